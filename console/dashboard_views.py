"""The committee's dashboard pages (console): every school at a glance, by type and region, the
heat map, the months, and one school's drill-down; each as .xlsx or PDF. Committee and operator
accounts only; everything shown is a de-identified aggregate of the public ``UnitFact`` table
(services/oversight/dashboard.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from services.kernel.web import run_and_redirect
from services.oversight import dashboard as selectors
from services.oversight import dashboard_web as web
from services.oversight.dashboard_export import school_sections
from tenants.models import Institution

from . import dashboard


def viewer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not dashboard.may_view(request.user):
            raise PermissionDenied(_("只有市教育工委或平台运维人员可以查看党建看板。"))
        return view(request, *args, **kwargs)

    return wrapper


def overview(request: HttpRequest, *, all_rows: bool = False) -> dict[str, Any]:
    """The main page's data: the table's page, the groups and their total, the months."""
    filters = web.filters_of(request)
    rankings = dashboard.rankings_enabled()
    by = "region" if request.GET.get("by") == "region" else "kind"
    page = selectors.school_table(
        filters=filters,
        sort=request.GET.get("sort", "code"),
        page=1 if all_rows else web.int_of(request, "page"),
        per_page=100_000 if all_rows else selectors.PER_PAGE,
        rankings=rankings,
    )
    group_rows = selectors.groups(filters=filters, by=by)
    return {
        "filters": filters,
        "rankings": rankings,
        "by": by,
        "by_label": _("地区") if by == "region" else _("学校类型"),
        "table": page,
        "groups": group_rows,
        "total": selectors.totals(group_rows),
        "monthly": selectors.trends(filters=filters),
    }


@viewer_required
@never_cache
def dashboard_page(request: HttpRequest) -> HttpResponse:
    export = request.GET.get("export", "")
    data = overview(request, all_rows=export == "xlsx")
    if export in web.EXPORTS:
        sections = school_sections(
            page=data["table"],
            group_rows=data["groups"],
            total=data["total"],
            monthly=data["monthly"],
            by_label=str(data["by_label"]),
        )
        title = _("%(year)s 年各校党建看板") % {"year": data["filters"].year}
        return web.export_response(export, title=title, sections=sections, filename=f"dashboard-{data['filters'].year}")
    page: selectors.SchoolPage = data["table"]
    labels = [selectors.label(m) for m in selectors.TABLE]
    return render(
        request,
        "console/dashboard.html",
        {
            **data,
            "kinds": Institution.Kind.choices,
            "regions": selectors.regions(),
            "columns": list(zip(selectors.TABLE, labels, strict=True)),
            "total_cells": list(zip(labels, data["total"].columns(), strict=True)),
            # Plain strings, not cells: a page has 1,300 of them, and a template looking up an
            # attribute tries a key first and catches the error, each time.
            "table_rows": [
                (row, [(lb, c.text) for lb, c in zip(labels, row.columns(), strict=True)]) for row in page.rows
            ],
            "heat_columns": [selectors.label(m) for m in selectors.RATES],
            "heat_rows": [
                (row.institution.name, [(c.band, c.text) for c in row.columns(selectors.RATES)]) for row in page.rows
            ],
            "months": [
                (f"{m + 1:02d}", [data["monthly"][metric][m] for metric in selectors.MONTHLY]) for m in range(12)
            ],
            "month_columns": [selectors.label(m) for m in selectors.MONTHLY],
            "sorts": selectors.sort_keys(rankings=data["rankings"]),
            "may_set_rankings": dashboard.may_set_rankings(request.user),
            "heat_data": web.heat_data(page),
            "group_data": web.group_data(data["groups"]),
            "trend_data": web.trend_data(data["monthly"]),
        },
    )


@viewer_required
@never_cache
def dashboard_school(request: HttpRequest, code: str) -> HttpResponse:
    institution = get_object_or_404(Institution, code=code, status=Institution.Status.ACTIVE)
    return web.school_response(request, institution, template="console/dashboard_school.html")


@require_POST
@viewer_required
def dashboard_rankings(request: HttpRequest) -> HttpResponse:
    if not dashboard.may_set_rankings(request.user):
        raise PermissionDenied(_("只有市教育工委可以设置看板排名。"))
    enabled = request.POST.get("enabled") == "1"
    return run_and_redirect(
        request,
        lambda: dashboard.dashboard_rankings_set(enabled=enabled, acting_user=request.user),
        success=_("已启用排名。") if enabled else _("已关闭排名。"),
        to="console:dashboard",
    )
