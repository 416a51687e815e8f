"""党内统计年报 pages of an institution: its administrators pick a year, see the tables filled from
the records at 31 December with the checks, and export the .xlsx (after an explicit confirmation
when a check failed)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.inputs import report_year

from .filling import Filled, tables_fill
from .layout import shown_tables
from .selectors import can_see_tables
from .template import TemplateError, edition_for, editions
from .xlsx import tables_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(request: HttpRequest) -> None:
    if not can_see_tables(acting_user=request.user):
        raise PermissionDenied(_("党内统计年报仅本校党委管理员可以查看和导出。"))


def report_years() -> list[int]:
    """The years an edition covers, up to this year, newest first."""
    this_year = timezone.localdate().year
    years = {y for e in editions() for y in range(e.first_year, min(e.last_year, this_year) + 1)}
    return sorted(years, reverse=True)


def year_from(value: str | None) -> int:
    return report_year(value, timezone.localdate().year - 1)


def institution_name(request: HttpRequest) -> str:
    tenant = getattr(request, "tenant", None)
    return str(getattr(tenant, "name", "") or _("本校"))


def xlsx_response(content: bytes, *, year: int, whose: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=XLSX)
    filename = f"党内统计年报-{whose}-{year}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _page(request: HttpRequest, year: int, *, error: str = "", status: int = 200) -> HttpResponse:
    context: dict[str, object] = {"year": year, "years": report_years(), "error": error}
    try:
        filled = tables_fill(edition=edition_for(year), year=year)
    except TemplateError as template_error:
        context["error"] = str(template_error)
        return render(request, "statistics/tables.html", context, status=400)
    context.update(filled=filled, tables=shown_tables(edition=filled.edition, cells=filled.cells))
    return render(request, "statistics/tables.html", context, status=status)


@login_required
def tables(request: HttpRequest) -> HttpResponse:
    _require(request)
    return _page(request, year_from(request.GET.get("year")))


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    _require(request)
    year = year_from(request.POST.get("year"))
    try:
        filled: Filled = tables_fill(edition=edition_for(year), year=year)
    except TemplateError:
        return _page(request, year, status=400)
    if filled.failures and request.POST.get("confirm") != "1":
        return _page(
            request, year, status=400,
            error=_("有 %(n)s 项校验未通过。请核对数据，或勾选“仍要导出”确认导出（导出文件首页会列出未通过的校验）。")
            % {"n": len(filled.failures)},
        )  # fmt: skip
    whose = institution_name(request)
    content = tables_xlsx(edition=filled.edition, year=year, cells=filled.cells, failures=filled.failures, whose=whose)
    return xlsx_response(content, year=year, whose=whose)
