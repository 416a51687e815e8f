"""What the dashboard's pages share (the console's and an institution admin's): the query string
read into filters, the chart data (aggregated here, the browser only draws it) and the file
answers of an export."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from services.kernel.inputs import report_year
from tenants.models import Institution

from . import dashboard, dashboard_export
from .dashboard import MONTHLY, RATES, UNIT_PATH, Cell, Filters, GroupRow, SchoolPage, label
from .drilldown import Drilldown, drilldown

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS = ("xlsx", "pdf")


def year_of(request: HttpRequest) -> int:
    """The year asked for (2000–2100), this year otherwise."""
    return report_year(request.GET.get("year"), timezone.localdate().year)


def int_of(request: HttpRequest, name: str, default: int = 1) -> int:
    try:
        return int(request.GET.get(name, default))
    except ValueError:
        return default


def filters_of(request: HttpRequest) -> Filters:
    kind = request.GET.get("kind", "")
    region = request.GET.get("region", "")[:50]
    return Filters(year=year_of(request), kind=kind if kind in Institution.Kind.values else "", region=region)


def unit_of(request: HttpRequest) -> str | None:
    """The unit path asked for ("" for the root); None when it is not a path of ids."""
    unit = request.GET.get("unit", "")
    return unit if not unit or UNIT_PATH.match(unit) else None


def heat_data(page: SchoolPage) -> dict[str, Any]:
    """The heat map of the page's schools × the rate indicators: [x, y, percent] triples, a
    suppressed cell as its text ("< 5") with no value."""
    cells = []
    for y, row in enumerate(page.rows):
        for x, metric in enumerate(RATES):
            cell = row.cells.get(metric)
            if cell is not None:
                cells.append([x, y, cell.value, cell.text])
    return {
        "x": [label(m) for m in RATES],
        "y": [row.institution.name for row in page.rows],
        "cells": cells,
    }


def group_data(group_rows: list[GroupRow]) -> dict[str, Any]:
    return {
        "categories": [g.label for g in group_rows],
        "series": [
            {"name": label(m), "data": [g.cells[m].value if m in g.cells else None for g in group_rows]}
            for m in RATES
            if any(m in g.cells for g in group_rows)
        ],
    }


def trend_data(monthly: dict[str, list[Cell]]) -> dict[str, Any]:
    return {
        "categories": [f"{m:02d}" for m in range(1, 13)],
        "series": [{"name": label(m), "data": [c.value for c in monthly[m]]} for m in MONTHLY],
    }


def unit_data(drill: Drilldown) -> dict[str, Any]:
    return {
        "categories": [u.path for u in drill.children],
        "series": [
            {"name": label(m), "data": [u.cells[m].value if m in u.cells else None for u in drill.children]}
            for m in RATES
            if any(m in u.cells for u in drill.children)
        ],
    }


def export_response(kind: str, *, title: str, sections: list[dashboard_export.Section], filename: str) -> HttpResponse:
    if kind == "xlsx":
        response = HttpResponse(dashboard_export.workbook(sections), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    note = _("仅含汇总数据，人数少于 5 的格显示为“< 5”。导出时间：%(when)s") % {
        "when": timezone.localtime().strftime("%Y-%m-%d %H:%M")
    }
    response = HttpResponse(dashboard_export.pdf(title, sections, note), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


def school_context(
    request: HttpRequest, institution: Institution, *, names: dict[str, str] | None = None
) -> dict[str, Any]:
    """One institution's drill-down at the unit asked for (404 for a unit that is not a path).
    ``names`` (path -> unit name) only where the unit names may be shown: on the institution's
    own host, from its own tree; the committee sees paths of ids."""
    unit = unit_of(request)
    if unit is None:
        raise Http404
    year = year_of(request)
    drill = drilldown(institution_id=institution.pk, year=year, unit_path=unit)
    return {
        "target": institution,
        "year": year,
        "drill": drill,
        "unit": unit,
        "columns": [(m, dashboard.label(m)) for m in dashboard.ALL],
        "unit_data": unit_data(drill),
        "named": names is not None,
        "trail": [(path, (names or {}).get(path, path)) for path in drill.trail[1:]],
        "unit_label": (names or {}).get(drill.unit.path, drill.unit.path) if drill.unit else "",
        "children": [(child, (names or {}).get(child.path, child.path)) for child in drill.children],
    }


def school_response(
    request: HttpRequest, institution: Institution, *, template: str, names: dict[str, str] | None = None
) -> HttpResponse:
    """One institution's drill-down page, or its export (``?export=xlsx|pdf``): the committee's
    view of a school on the console and an institution's own view (with ``names``) share it."""
    context = school_context(request, institution, names=names)
    export = request.GET.get("export", "")
    if export not in EXPORTS:
        return render(request, template, context)
    title = _("%(name)s %(year)s 年党建看板（%(unit)s）") % {
        "name": institution.name,
        "year": context["year"],
        "unit": context["unit"] or _("全校"),
    }
    return export_response(
        export,
        title=title,
        sections=dashboard_export.drilldown_sections(drill=context["drill"]),
        filename=f"dashboard-{institution.code}-{context['year']}",
    )
