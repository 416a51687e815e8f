"""The compliance figure as an API (docs/orglife.md#compliance-and-plans): for every branch the
caller sees (and its party groups), per required meeting type and period, held / due / overdue /
upcoming with the rule and its citation. The same selector as the board (compliance.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
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


MONTH = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"  # the standard rule set starts in 2000
LONGEST = 36  # months one request covers
NOT_A_MONTH = _lazy("请按“年-月”填写，如 2026-03。")


class ComplianceQuery(serializers.Serializer):
    since = serializers.RegexField(
        MONTH,
        required=False,
        error_messages={"invalid": NOT_A_MONTH},
        help_text="first month, YYYY-MM (default: January of this year)",
    )
    until = serializers.RegexField(
        MONTH,
        required=False,
        error_messages={"invalid": NOT_A_MONTH},
        help_text=f"last month, YYYY-MM (default: December of since's year; at most {LONGEST} months)",
    )
    branch = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="one branch of the caller's scope"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since = _month(attrs["since"]) if attrs.get("since") else date(timezone.localdate().year, 1, 1)
        until = _month(attrs["until"]) if attrs.get("until") else date(since.year, 12, 1)
        # A range given backwards or too long is read as far as it goes: from since, LONGEST months.
        last = min(max(_index(until), _index(since)), _index(since) + LONGEST - 1)
        return {**attrs, "since": since, "until": date(last // 12, last % 12 + 1, 1)}


def _month(value: str) -> date:
    year, month = value.split("-")
    return date(int(year), int(month), 1)


def _index(day: date) -> int:
    return day.year * 12 + day.month - 1


class ComplianceView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Meetings held vs required per branch, meeting type and period",
        parameters=[ComplianceQuery],
        responses=ComplianceSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        if not sees_the_tree(scope):
            raise PermissionDenied(_("组织生活看板供党组织负责人和组织管理员查看。"))
        query = ComplianceQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        branches = c.branches_in_sight(scope=scope)
        if query.validated_data.get("branch"):
            branches = branches.filter(pk=query.validated_data["branch"])
        since, until = query.validated_data["since"], query.validated_data["until"]
        rows = c.compliance(branches=list(branches[:MAX_BRANCHES]), since=since, until=until)
        return Response(ComplianceSerializer(rows, many=True).data)
