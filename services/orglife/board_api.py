"""The compliance figure as an API (docs/orglife.md#compliance-and-plans): for every branch the
caller sees (and its party groups), per required meeting type and period, held / due / overdue /
upcoming with the rule and its citation. The same selector as the board (compliance.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.organization.scope import scope_for

from . import compliance as c
from .board_views import MAX_BRANCHES, sees_the_tree


class RuleSerializer(serializers.Serializer):
    key = serializers.CharField()
    months = serializers.IntegerField(source="number")
    citation = serializers.CharField(source="explanation", help_text="the rule's title and citation, as pages show it")
    origin = serializers.ChoiceField(
        source="source", choices=["standard", "institution"], help_text="institution: the institution's override"
    )


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end", help_text="the first day after the period")
    title = serializers.CharField(source="label", help_text="the period as pages name it: 2026年第1季度")
    status = serializers.ChoiceField(choices=[c.HELD, c.DUE, c.OVERDUE, c.UPCOMING])
    held = serializers.IntegerField(help_text="meetings held (started, not cancelled)")
    planned = serializers.IntegerField(help_text="meetings planned in the period that have not started")


class ComplianceSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField()
    branch = serializers.IntegerField(source="branch_id")
    kind = serializers.ChoiceField(choices=list(c.REQUIRED_KINDS))
    kind_label = serializers.CharField()
    rule = RuleSerializer(help_text="the rule in force for the last period of the range")
    periods = PeriodSerializer(many=True)


def _month(value: str, name: str) -> date:
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ValidationError({name: _("请按“年-月”填写，如 2026-03。")}) from None


def _range(params: Any) -> tuple[date, date]:
    year = timezone.localdate().year
    since = _month(params["since"], "since") if params.get("since") else date(year, 1, 1)
    until = _month(params["until"], "until") if params.get("until") else date(since.year, 12, 1)
    if until < since or (until.year - since.year) * 12 + until.month - since.month >= 36:
        raise ValidationError({"until": _("查询范围应在 36 个月以内，且结束月份不早于开始月份。")})
    return since, until


class ComplianceView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Meetings held vs required per branch, meeting type and period",
        parameters=[
            OpenApiParameter("since", OpenApiTypes.STR, description="first month, YYYY-MM (default: January)"),
            OpenApiParameter("until", OpenApiTypes.STR, description="last month, YYYY-MM (default: December)"),
            OpenApiParameter("branch", OpenApiTypes.INT, description="one branch of the caller's scope"),
        ],
        responses=ComplianceSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        if not sees_the_tree(scope):
            raise PermissionDenied(_("组织生活看板供党组织负责人和组织管理员查看。"))
        since, until = _range(request.query_params)
        branches = c.branches_in_sight(scope=scope)
        if request.query_params.get("branch"):
            try:
                branches = branches.filter(pk=int(request.query_params["branch"]))
            except ValueError:
                raise ValidationError({"branch": _("请填写党支部编号。")}) from None
        rows = c.compliance(branches=list(branches[:MAX_BRANCHES]), since=since, until=until)
        return Response(ComplianceSerializer(rows, many=True).data)
