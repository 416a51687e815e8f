"""Arrears API (managers): the members behind with their dues in the caller's units, and the
cases (list, one, recording the talk and closing). Thin over arrears.py, as the pages; refusals go
through the one exception handler."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.serializers import InputSerializer
from services.kernel.text import free_text
from services.organization.scope import scope_for

from . import arrears
from .models import ArrearsCase


def _require_manager(user: Any) -> None:
    if not scope_for(user).is_manager:
        raise PermissionDenied(_("只有支部书记、组织委员和组织管理员可以查看欠缴党费情况。"))


class ArrearsRowSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    branch = serializers.IntegerField()
    months = serializers.ListField(child=serializers.CharField(), help_text="consecutive unpaid months, YYYY-MM")


class CaseSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = ArrearsCase
        fields = [
            "id", "member", "member_name", "unit", "unit_name", "months", "status", "opened_at", "talked_on",
            "outcome", "closed_at",
        ]  # fmt: skip
        read_only_fields = fields


class CaseRecordSerializer(InputSerializer):
    talked_on = serializers.DateField(required=False, allow_null=True, default=None)
    outcome = serializers.CharField(
        validators=[free_text], max_length=5000, required=False, allow_blank=True, default=""
    )
    close = serializers.BooleanField(required=False, default=False)


class ArrearsView(APIView):
    """GET: the members with consecutive unpaid months (ending last month) in the caller's units."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ArrearsRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        _require_manager(request.user)
        rows = arrears.members_in_arrears(acting_user=request.user, today=timezone.localdate())
        data = [
            {
                "member": member.pk,
                "name": member.name,
                "branch": member.branch_id,
                "months": [f"{y}-{m:02d}" for y, m in run],
            }
            for member, run in rows
        ]
        return Response(ArrearsRowSerializer(data, many=True).data)


class CaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The arrears cases of the caller's units; recording the talk and closing one."""

    permission_classes = [IsAuthenticated]
    serializer_class = CaseSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        _require_manager(self.request.user)
        return arrears.cases_visible(acting_user=self.request.user)

    def _case(self, pk: str) -> ArrearsCase:
        _require_manager(self.request.user)
        try:
            return arrears.case_get(acting_user=self.request.user, pk=int(pk))
        except (ArrearsCase.DoesNotExist, ValueError):
            raise Http404 from None

    @extend_schema(responses=CaseSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(CaseSerializer(self._case(pk)).data)

    @extend_schema(request=CaseRecordSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str) -> Response:
        """Record the talk's date and outcome; ``close`` closes the case (both needed then)."""
        case = self._case(pk)
        body = CaseRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = arrears.case_record(acting_user=request.user, case=case, **body.validated_data)
        return Response(CaseSerializer(case).data)
