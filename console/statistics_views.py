"""党内统计年报 on the console: the sum of the tables the institutions published (counts only,
services/statistics), by institution type and region, with the edition's checks on the sums and
the same .xlsx export. For the committee and the operators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.statistics.layout import shown_tables
from services.statistics.selectors import Summed, committee_sum
from services.statistics.template import TemplateError, edition_for
from services.statistics.views import report_years, xlsx_response, year_from
from services.statistics.xlsx import tables_xlsx
from tenants.models import Institution

CONSOLE_ROLES = frozenset({"committee", "operator"})


def _require(request: HttpRequest) -> None:
    if getattr(request.user, "platform_role", "") not in CONSOLE_ROLES:
        raise PermissionDenied(_("党内统计年报汇总仅市委教育工委和平台运维人员可以查看。"))


def _filters(params: QueryDict) -> tuple[int, str, str]:
    kind = params.get("kind") or ""
    kind = kind if kind in Institution.Kind.values else ""
    region = (params.get("region") or "").strip()[:50]
    return year_from(params.get("year")), kind, region


def _sum(year: int, kind: str, region: str) -> Summed:
    return committee_sum(edition=edition_for(year), year=year, kinds=[kind] if kind else [], region=region)


def _page(request: HttpRequest, params: QueryDict, *, error: str = "", status: int = 200) -> HttpResponse:
    year, kind, region = _filters(params)
    regions = sorted({r for r in Institution.objects.exclude(region="").values_list("region", flat=True)})
    context: dict[str, object] = {
        "year": year, "kind": kind, "region": region, "years": report_years(), "error": error,
        "kinds": Institution.Kind.choices, "regions": regions,
    }  # fmt: skip
    try:
        summed = _sum(year, kind, region)
    except TemplateError as template_error:
        context["error"] = str(template_error)
        return render(request, "console/statistics_tables.html", context, status=400)
    context.update(summed=summed, tables=shown_tables(edition=summed.edition, cells=summed.cells))
    return render(request, "console/statistics_tables.html", context, status=status)


@login_required
def statistics_tables(request: HttpRequest) -> HttpResponse:
    _require(request)
    return _page(request, request.GET)


@login_required
@require_POST
def statistics_export(request: HttpRequest) -> HttpResponse:
    _require(request)
    year, kind, region = _filters(request.POST)
    try:
        summed = _sum(year, kind, region)
    except TemplateError:
        return _page(request, request.POST, status=400)
    if summed.failures and request.POST.get("confirm") != "1":
        return _page(
            request, request.POST, status=400,
            error=_("有 %(n)s 项校验未通过。请核对数据，或勾选“仍要导出”确认导出（导出文件首页会列出未通过的校验）。")
            % {"n": len(summed.failures)},
        )  # fmt: skip
    whose = _("各校汇总")
    content = tables_xlsx(edition=summed.edition, year=year, cells=summed.cells, failures=summed.failures, whose=whose)
    return xlsx_response(content, year=year, whose=whose)
