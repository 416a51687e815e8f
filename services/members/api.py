"""Member records API: list (masked), detail, create, update, status changes, audited reveals,
history. Every query goes through services/members/selectors.py, narrowed to the caller's scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from services.kernel import inputs
from services.kernel.serializers import InputSerializer, TextRulesInputSerializer
from services.kernel.text import single_line
from services.organization.models import OrgUnit, Position

from . import selectors, services
from .models import FamilyMember, Hardship, Member, MemberChange, RewardPunishment, TimeAbroad
from .record import API_FIELDS, EDITABLE, SENSITIVE, mask


class MemberSerializer(serializers.ModelSerializer):
    """National ID and phone are masked; the reveal action shows them, audited."""

    national_id = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    branch_name = serializers.CharField(source="branch.name", read_only=True)

    class Meta:
        model = Member
        # The record's fields the API reads (record.API_FIELDS), the unit's name after its id.
        fields = [name for field in API_FIELDS for name in ((field, "branch_name") if field == "branch" else (field,))]
        read_only_fields = fields

    def get_national_id(self, obj: Member) -> str:
        return mask("national_id", obj.national_id)

    def get_phone(self, obj: Member) -> str:
        return mask("phone", obj.phone)


class _RowsSerializer(TextRulesInputSerializer):
    class Meta:
        exclude = ["id", "member"]


def _rows(model: Any) -> Any:
    return type(
        f"{model.__name__}RowSerializer",
        (_RowsSerializer,),
        {"Meta": type("Meta", (_RowsSerializer.Meta,), {"model": model})},
    )


class PositionRowSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Position
        fields = ["unit", "unit_name", "kind", "started_on", "ended_on"]


class MemberDetailSerializer(MemberSerializer):
    """The whole record: the multi-row sets of the national system's record come along."""

    positions = PositionRowSerializer(many=True, read_only=True)
    rewards = _rows(RewardPunishment)(many=True, read_only=True)
    time_abroad = _rows(TimeAbroad)(many=True, read_only=True)
    hardships = _rows(Hardship)(many=True, read_only=True)
    family = _rows(FamilyMember)(many=True, read_only=True)

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "positions", "rewards", "time_abroad", "hardships", "family"]
        read_only_fields = fields


ROW_SERIALIZERS = {
    "rewards": _rows(RewardPunishment),
    "time_abroad": _rows(TimeAbroad),
    "hardships": _rows(Hardship),
    "family": _rows(FamilyMember),
}


class MemberWriteSerializer(TextRulesInputSerializer):
    national_id = serializers.CharField(validators=[single_line], max_length=18)
    phone = serializers.CharField(validators=[single_line], max_length=20, required=False, allow_blank=True)
    branch = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH))
    reason = serializers.CharField(
        validators=[single_line], max_length=200, required=False, allow_blank=True, write_only=True
    )

    class Meta:
        model = Member
        fields = [*EDITABLE, "reason"]
        extra_kwargs = {"gender": {"required": False}, "birth_date": {"required": False}}


class MemberChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = MemberChange
        fields = ["changed_at", "actor_username", "kind", "reason", "changes"]


class StatusChangeSerializer(InputSerializer):
    status = serializers.ChoiceField(choices=Member.Status.choices)
    on_date = serializers.DateField()
    reason = serializers.CharField(validators=[single_line], allow_blank=True, max_length=200)


class RevealSerializer(InputSerializer):
    field = serializers.ChoiceField(choices=list(SENSITIVE))
    reason = serializers.CharField(validators=[single_line], allow_blank=True, max_length=200)


BRANCH = inputs.Id("branch", "an org unit id: members of its whole subtree")
Q = inputs.Text("q", "name prefix or exact student/staff number", max_length=50)
STATUS = inputs.choice("status", Member.Status.values)
CATEGORY = inputs.choice("category", Member.Category.values)
ROWS_REASON = inputs.Text("reason", "why the rows change (kept in the history)", max_length=200)


@extend_schema_view(list=extend_schema(parameters=[p.openapi() for p in (BRANCH, Q, STATUS, CATEGORY)]))
class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = MemberSerializer
    # PUT only for the multi-row sets (rows action); whole-record writes are PATCH.
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return selectors.member_list(
            acting_user=self.request.user,
            branch_id=BRANCH.read(params),
            q=Q.read(params),
            status=STATUS.read(params),
            category=CATEGORY.read(params),
        )

    def get_serializer_class(self) -> Any:
        if self.action in ("create", "partial_update"):
            return MemberWriteSerializer
        return MemberDetailSerializer if self.action == "retrieve" else MemberSerializer

    def _managed_object(self) -> Member:
        """The member of the URL, for a write: 404 outside the scope (an id reveals nothing), then
        403 unless the caller manages the record (its own member reads it, never changes it),
        before the body is looked at. The service checks the same again."""
        member = self.get_object()
        if not services.can_manage_members(acting_user=self.request.user, branch=member.branch):
            raise PermissionDenied(_("您无权管理“%(unit)s”的党员。") % {"unit": member.branch.name})
        return member

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        rows = Member.objects.prefetch_related("positions__unit", "rewards", "time_abroad", "hardships", "family")
        return Response(MemberDetailSerializer(rows.get(pk=member.pk)).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = MemberWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("reason", None)
        member = services.member_create(acting_user=request.user, **fields)
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        data = MemberWriteSerializer(member, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        reason = fields.pop("reason", "")
        member = services.member_update(member=member, acting_user=request.user, reason=reason, **fields)
        return Response(MemberSerializer(member).data)

    @extend_schema(request=StatusChangeSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request: Request, pk: str) -> Response:
        member = self._managed_object()
        body = StatusChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = services.member_status_change(
            member=member,
            to_status=body.validated_data["status"],
            on_date=body.validated_data["on_date"],
            reason=body.validated_data["reason"],
            acting_user=request.user,
        )
        return Response(MemberSerializer(member).data)

    @extend_schema(
        request=RevealSerializer,
        responses=inline_serializer("Revealed", {"field": serializers.CharField(), "value": serializers.CharField()}),
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str) -> Response:
        member = self._managed_object()
        body = RevealSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        field = body.validated_data["field"]
        value = services.member_reveal(
            member=member,
            field=field,
            reason=body.validated_data["reason"],
            acting_user=request.user,
        )
        return Response({"field": field, "value": value})

    @extend_schema(
        request=serializers.ListSerializer(child=serializers.DictField()),
        responses=serializers.ListSerializer(child=serializers.DictField()),
        summary="Replace one multi-row set of the record (rewards, time_abroad, hardships, family)",
        parameters=[ROWS_REASON.openapi()],
    )
    @action(detail=True, methods=["put"], url_path=r"rows/(?P<kind>rewards|time_abroad|hardships|family)")
    def rows(self, request: Request, pk: str, kind: str) -> Response:
        member = self._managed_object()
        serializer_class = ROW_SERIALIZERS[kind]
        body = serializer_class(data=request.data, many=True)
        body.is_valid(raise_exception=True)
        reason = ROWS_REASON.read(request.query_params)
        created = services.member_rows_replace(
            member=member,
            kind=kind,
            rows=list(body.validated_data),
            acting_user=request.user,
            reason=reason,
        )
        return Response(serializer_class(created, many=True).data)

    @extend_schema(responses=MemberChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str) -> Response:
        member = self.get_object()
        if not services.can_manage_members(acting_user=request.user, branch=member.branch):
            raise Http404
        page = self.paginate_queryset(selectors.member_history(member=member))
        return self.get_paginated_response(MemberChangeSerializer(page, many=True).data)
