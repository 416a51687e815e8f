"""Disclosure and use API: the published disclosures the caller reads; for a unit's managers its
year as it stands, publishing it, and the use ledger (list, record, correct). Thin over
disclosure.py and use.py, with the pages' lookups (403 for someone who manages nothing, 404 outside
the caller's scope); refusals go through the one exception handler."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.serializers import InputSerializer
from services.kernel.text import single_line

from . import disclosure, use
from .disclosure_models import Disclosure
from .disclosure_views import YEAR, managed_unit, require_unit_manager
from .models import UseEntry


class DisclosureSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    snapshot = serializers.JSONField(read_only=True, help_text="collection, categories and use as published")

    class Meta:
        model = Disclosure
        fields = ["id", "unit", "unit_name", "year", "published_at", "snapshot"]
        read_only_fields = fields


class FiguresSerializer(serializers.Serializer):
    unit = serializers.CharField()
    unit_id = serializers.IntegerField()
    year = serializers.IntegerField()
    collection = serializers.DictField(help_text="billed, paid, reduced, due, rate (percent or null), member_months")
    categories = serializers.ListField(child=serializers.DictField(), help_text="category, label, billed, bills")
    use = serializers.DictField(help_text="lines and total")
    computed_at = serializers.CharField()


class PublishSerializer(InputSerializer):
    year = serializers.IntegerField(min_value=disclosure.MIN_YEAR, max_value=2100)


class UseEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = UseEntry
        fields = ["id", "unit", "spent_on", "purpose", "amount", "description", "voucher", "corrects", "created_at"]
        read_only_fields = fields


class UseRecordSerializer(InputSerializer):
    spent_on = serializers.DateField()
    purpose = serializers.ChoiceField(choices=UseEntry.Purpose.choices)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("1000000")
    )
    description = serializers.CharField(max_length=200, validators=[single_line])
    voucher = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default="", validators=[single_line]
    )


class UseCorrectSerializer(InputSerializer):
    reason = serializers.CharField(max_length=100, validators=[single_line])


def _year(request: Request) -> int:
    return YEAR.read(request.query_params, default=timezone.localdate().year) or timezone.localdate().year


class DisclosureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published disclosures: those of the caller's branch and of the units above it, and, for
    those who see part of the tree, those of the units they see."""

    permission_classes = [IsAuthenticated]
    serializer_class = DisclosureSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        return disclosure.disclosures_visible(acting_user=self.request.user)


class UnitFiguresView(APIView):
    """GET: a unit's year as it stands (managers of the unit)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[YEAR.openapi()], responses=FiguresSerializer)
    def get(self, request: Request, pk: int) -> Response:
        unit = managed_unit(request, pk)  # type: ignore[arg-type]
        return Response(FiguresSerializer(disclosure.disclosure_figures(unit=unit, year=_year(request))).data)


class UnitPublishView(APIView):
    """POST: publish the unit's year to the members it concerns (the figures are frozen)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=PublishSerializer, responses={201: DisclosureSerializer})
    def post(self, request: Request, pk: int) -> Response:
        unit = managed_unit(request, pk)  # type: ignore[arg-type]
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = disclosure.disclosure_publish(acting_user=request.user, unit=unit, year=body.validated_data["year"])
        return Response(DisclosureSerializer(made).data, status=status.HTTP_201_CREATED)


class UnitUseView(APIView):
    """GET: the unit's use lines of a year; POST: record one (managers of the unit)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[YEAR.openapi()], responses=UseEntrySerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        unit = managed_unit(request, pk)  # type: ignore[arg-type]
        return Response(UseEntrySerializer(use.use_lines(unit=unit, year=_year(request)), many=True).data)

    @extend_schema(request=UseRecordSerializer, responses={201: UseEntrySerializer})
    def post(self, request: Request, pk: int) -> Response:
        unit = managed_unit(request, pk)  # type: ignore[arg-type]
        body = UseRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        line = use.use_record(acting_user=request.user, unit=unit, **body.validated_data)
        return Response(UseEntrySerializer(line).data, status=status.HTTP_201_CREATED)


class UseCorrectView(APIView):
    """POST: reverse a use line (a new line of the opposite amount naming it)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=UseCorrectSerializer, responses={201: UseEntrySerializer})
    def post(self, request: Request, pk: int) -> Response:
        require_unit_manager(request)  # type: ignore[arg-type]
        line = UseEntry.objects.filter(pk=pk, unit__in=disclosure.managed_units(acting_user=request.user)).first()
        if line is None:
            raise Http404
        body = UseCorrectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = use.use_correct(acting_user=request.user, line=line, reason=body.validated_data["reason"])
        return Response(UseEntrySerializer(made).data, status=status.HTTP_201_CREATED)
