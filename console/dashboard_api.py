"""The committee's dashboard as JSON (console host; committee and operator accounts): the school
table's page, the chart data (groups, months, the heat map of a page), one school's drill-down.
The same selectors as the pages (services/oversight/dashboard.py): aggregates only, "< 5" where
a fact is suppressed, institutions named by name and code and units by their path of ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.inputs import InvalidInput, Number, Page, Parameter, Text, choice
from services.oversight import dashboard as selectors
from services.oversight import dashboard_web as web
from services.oversight.drilldown import UnitRow, drilldown
from services.rules.display import rule_citation, rule_title
from services.rules.resolver import INSTITUTION, STANDARD
from tenants.models import Institution

from . import dashboard


class IsDashboardViewer(permissions.BasePermission):
    message = gettext_lazy("只有市教育工委或平台运维人员可以查看党建看板。")

    def has_permission(self, request: Request, view: Any) -> bool:
        return dashboard.may_view(request.user)


@dataclass(frozen=True)
class UnitPath(Parameter):
    """A unit's path of ids ("1.4.17."); absent: the institution's root unit."""

    def read(self, params: Mapping[str, Any]) -> str:
        value = self.raw(params)
        if value and not selectors.UNIT_PATH.match(value):
            raise InvalidInput(
                self.name, _("参数 %(name)s 必须是以点结尾的组织编号路径，如 1.4.17.") % {"name": self.name}
            )
        return value

    def openapi_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^([0-9]+\.){1,12}$", "maxLength": 255}


YEAR = Number("year", "the year (this year when absent)", minimum=2000, maximum=2100)
KIND = choice("kind", Institution.Kind.values, "institution type")
REGION = Text("region", "region, exactly as the institutions' registry has it", max_length=50)
BY = choice("by", ("kind", "region"), "group the charts by type or by region", default="kind")
SORT = choice(
    "sort",
    [*selectors.SORTS, *(f"-{s}" for s in selectors.SORTS), *selectors.ALL, *(f"-{m}" for m in selectors.ALL)],
    "order of the table ('-' descending); an indicator only where the committee enabled rankings",
    default="code",
)
PAGE = Page()
UNIT = UnitPath("unit", "a unit's path of ids, e.g. 1.4.; absent: the institution's root unit")


class CellSerializer(serializers.Serializer):
    metric = serializers.CharField()
    value = serializers.IntegerField(allow_null=True, help_text="a count, or a percent; null when suppressed or none")
    text = serializers.CharField(help_text='as the page shows it: "< 5" when suppressed, "—" when none')
    suppressed = serializers.BooleanField()
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)


class MetricSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not the Field.label attribute


class SchoolSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    region = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True, help_text="only when ordered by an indicator (rankings on)")
    cells = CellSerializer(many=True)


class SchoolPageSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    sort = serializers.CharField()
    rankings = serializers.BooleanField()
    metrics = MetricSerializer(many=True)
    rows = SchoolSerializer(many=True)


class GroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not the Field.label attribute
    cells = CellSerializer(many=True)


class TrendSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not the Field.label attribute
    months = CellSerializer(many=True)


class ChartsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    by = serializers.CharField()
    metrics = MetricSerializer(many=True)
    groups = GroupSerializer(many=True)
    total = GroupSerializer()
    trends = TrendSerializer(many=True)
    heat = serializers.JSONField(help_text="x: indicator labels; y: school names; cells: [x, y, percent or null, text]")


class UnitSerializer(serializers.Serializer):
    path = serializers.CharField()
    kind = serializers.CharField()
    cells = CellSerializer(many=True)


class RuleSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    value = serializers.JSONField()
    unit = serializers.CharField()
    # a field, not the Field.source attribute; "institution": adjusted by the school
    source = serializers.ChoiceField(choices=[STANDARD, INSTITUTION])  # type: ignore[assignment]
    effective_from = serializers.DateField()
    citation = serializers.CharField()


class MetricRulesSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not the Field.label attribute
    adjusted = serializers.BooleanField(help_text="computed under at least one rule the school adjusted")
    rules = RuleSerializer(many=True)


class DrilldownSerializer(serializers.Serializer):
    code = serializers.CharField()
    year = serializers.IntegerField()
    metrics = MetricSerializer(many=True)
    unit = UnitSerializer(allow_null=True)
    children = UnitSerializer(many=True)
    trail = serializers.ListField(child=serializers.CharField())
    rules = MetricRulesSerializer(many=True, help_text="the rules the year's figures were computed under")


def _metrics(metrics: tuple[str, ...] = selectors.ALL) -> list[dict[str, str]]:
    return [{"metric": m, "label": selectors.label(m)} for m in metrics]


def _cells(row: Any) -> list[dict[str, Any]]:
    return [c.as_dict() for c in row.columns(selectors.ALL)]


def _filters(request: Request) -> selectors.Filters:
    return selectors.Filters(
        year=YEAR.read(request.query_params) or timezone.localdate().year,
        kind=KIND.read(request.query_params),
        region=REGION.read(request.query_params),
    )


COMMON = [YEAR.openapi(), KIND.openapi(), REGION.openapi()]


class DashboardSchoolsView(APIView):
    """A page of the school table: every active institution's root-unit figures for the year."""

    permission_classes = [IsDashboardViewer]

    @extend_schema(parameters=[*COMMON, SORT.openapi(), PAGE.openapi()], responses=SchoolPageSerializer)
    def get(self, request: Request) -> Response:
        filters = _filters(request)
        rankings = dashboard.rankings_enabled()
        table = selectors.school_table(
            filters=filters,
            sort=SORT.read(request.query_params),
            page=PAGE.read(request.query_params, 1) or 1,
            rankings=rankings,
        )
        return Response(
            {
                "year": filters.year,
                "total": table.total,
                "page": table.page,
                "pages": table.pages,
                "sort": table.sort,
                "rankings": rankings,
                "metrics": _metrics(),
                "rows": [
                    {
                        "code": row.institution.code,
                        "name": row.institution.name,
                        "kind": row.institution.kind,
                        "region": row.institution.region,
                        "rank": row.rank,
                        "cells": _cells(row),
                    }
                    for row in table.rows
                ],
            }
        )


class DashboardChartsView(APIView):
    """The charts' data, aggregated here: sums by type or region with their total, the months,
    and the heat map of one page of the table (schools × rate indicators)."""

    permission_classes = [IsDashboardViewer]

    @extend_schema(parameters=[*COMMON, BY.openapi(), PAGE.openapi()], responses=ChartsSerializer)
    def get(self, request: Request) -> Response:
        filters = _filters(request)
        group_rows = selectors.groups(filters=filters, by=BY.read(request.query_params))
        monthly = selectors.trends(filters=filters)
        table = selectors.school_table(filters=filters, page=PAGE.read(request.query_params, 1) or 1)
        total = selectors.totals(group_rows)
        return Response(
            {
                "year": filters.year,
                "by": BY.read(request.query_params),
                "metrics": _metrics(),
                "groups": [{"key": g.key, "label": g.label, "cells": _cells(g)} for g in group_rows],
                "total": {"key": total.key, "label": total.label, "cells": _cells(total)},
                "trends": [
                    {"metric": m, "label": selectors.label(m), "months": [c.as_dict() for c in monthly[m]]}
                    for m in selectors.MONTHLY
                ],
                "heat": web.heat_data(table),
            }
        )


def drilldown_answer(institution: Institution, year: int, unit: str) -> dict[str, Any]:
    drill = drilldown(institution_id=institution.pk, year=year, unit_path=unit)

    def one(u: UnitRow) -> dict[str, Any]:
        return {"path": u.path, "kind": u.kind, "cells": _cells(u)}

    return {
        "code": institution.code,
        "year": year,
        "metrics": _metrics(),
        "unit": one(drill.unit) if drill.unit is not None else None,
        "children": [one(u) for u in drill.children],
        "trail": drill.trail,
        "rules": [
            {
                "metric": item.metric,
                "label": item.label,
                "adjusted": item.adjusted,
                "rules": [{**rule, "title": rule_title(rule), "citation": rule_citation(rule)} for rule in item.rules],
            }
            for item in drill.rules
        ],
    }


class DashboardUnitsView(APIView):
    """One school's drill-down: a unit (the root when ``unit`` is absent) and the units one level
    below it, aggregates only."""

    permission_classes = [IsDashboardViewer]

    @extend_schema(parameters=[YEAR.openapi(), UNIT.openapi()], responses=DrilldownSerializer)
    def get(self, request: Request, code: str) -> Response:
        institution = get_object_or_404(Institution, code=code, status=Institution.Status.ACTIVE)
        year = YEAR.read(request.query_params) or timezone.localdate().year
        try:
            answer = drilldown_answer(institution, year, UNIT.read(request.query_params))
        except ValueError:
            raise Http404 from None
        return Response(answer)
