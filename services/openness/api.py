"""党务公开 API: the board the caller reads (by kind), one item, and for managers publishing,
withdrawing and the archive. Thin over services.py and selectors.py with the pages' lookups (403
for someone who manages nothing, 404 outside the caller's scope); refusals go through the one
exception handler."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.serializers import InputSerializer
from services.kernel.text import free_text, single_line
from services.organization.models import OrgUnit

from . import selectors, services
from .models import BoardItem
from .views import managed, readable, require_manager

KIND = OpenApiParameter("kind", str, enum=BoardItem.Kind.values, required=False, description="one kind only")


class ItemSerializer(serializers.ModelSerializer):
    unit_name = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    withdrawn = serializers.BooleanField(read_only=True)

    class Meta:
        model = BoardItem
        fields = [
            "id", "kind", "kind_label", "unit", "unit_name", "title", "body", "link", "published_on", "ends_on",
            "publisher_name", "withdrawn", "withdrawn_at", "withdraw_reason",
        ]  # fmt: skip
        read_only_fields = fields

    def get_unit_name(self, item: BoardItem) -> str:
        """The unit's name; empty for the whole institution."""
        return item.unit.name if item.unit else ""


class PublishSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=BoardItem.Kind.choices)
    unit = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="null: the institution")
    title = serializers.CharField(max_length=200, validators=[single_line])
    body = serializers.CharField(required=False, allow_blank=True, default="", validators=[free_text])
    link = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


class WithdrawSerializer(InputSerializer):
    reason = serializers.CharField(max_length=200, validators=[single_line])


def _kind(request: Request) -> str:
    kind = request.query_params.get("kind", "")
    return kind if kind in BoardItem.Kind.values else ""


class ItemListView(APIView):
    """GET: the board (items on it today that the caller reads, newest first); POST: publish
    (managers of the unit; ``unit`` null for the whole institution)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[KIND], responses=ItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = selectors.board_items(acting_user=request.user, kind=_kind(request))[:200]
        return Response(ItemSerializer(rows, many=True).data)

    @extend_schema(request=PublishSerializer, responses={201: ItemSerializer})
    def post(self, request: Request) -> Response:
        require_manager(request)  # type: ignore[arg-type]
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(body.validated_data)
        unit = None
        if data.pop("unit") is not None:  # a unit of the tree (which everyone reads); the service says who may publish
            unit = OrgUnit.objects.filter(pk=body.validated_data["unit"]).first()
            if unit is None:
                raise Http404
        item = services.publish_item(acting_user=request.user, unit=unit, **data)
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)


class ItemDetailView(APIView):
    """GET: one item the caller reads on the board (or keeps in the archive, as a manager)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ItemSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ItemSerializer(readable(request, pk)).data)  # type: ignore[arg-type]


class ItemWithdrawView(APIView):
    """POST: withdraw an item (managers of its unit); it stays in the archive with the reason."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=WithdrawSerializer, responses=ItemSerializer)
    def post(self, request: Request, pk: int) -> Response:
        item = managed(request, pk)  # type: ignore[arg-type]
        body = WithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = services.withdraw_item(acting_user=request.user, item=item, reason=body.validated_data["reason"])
        return Response(ItemSerializer(done).data)


class ArchiveView(APIView):
    """GET: every item of the units the caller manages, ended and withdrawn ones too."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[KIND], responses=ItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        require_manager(request)  # type: ignore[arg-type]
        rows = selectors.archive_items(acting_user=request.user, kind=_kind(request))[:500]
        return Response(ItemSerializer(rows, many=True).data)
