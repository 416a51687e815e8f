"""The 组织生活 board (docs/orglife.md#compliance-and-plans): per branch the user sees, per meeting
type and period of the year, held / due / overdue / upcoming with the rule and its citation; a
branch's own page with every period; the plan page of a branch's managers (the proposed dates,
accepted in full or in part, and the fixed theme party day).

A branch outside the user's scope is a 404; the plan page and the setting are for those who
manage the branch (403 to those who manage nothing, 404 outside what they manage).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from services.kernel.web import run_and_redirect, run_service
from services.organization.models import OrgUnit
from services.organization.scope import Scope, can_manage, scope_for

from . import compliance as c
from .planning import life_settings_update, plan_accept, plan_proposal, theme_day_of

STATUS_LABELS = {
    c.HELD: gettext_lazy("已召开"),
    c.DUE: gettext_lazy("待召开"),
    c.OVERDUE: gettext_lazy("逾期未开"),
    c.UPCOMING: gettext_lazy("未到期"),
}
# The worst first: what a summary cell shows when a branch's party groups differ.
SEVERITY = (c.OVERDUE, c.DUE, c.HELD, c.UPCOMING)
MAX_BRANCHES = 500  # the board of a whole institution (its figure: bench/orglife_compliance.py)


class ThemeDayForm(forms.Form):
    theme_day_of_month = forms.IntegerField(
        label=gettext_lazy("主题党日固定日期（每月几日）"), min_value=1, max_value=28
    )


def sees_the_tree(scope: Scope) -> bool:
    return scope.everything or bool(scope.seen_paths)


def year_of(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def branch_in_scope(request: HttpRequest, pk: int, *, manage: bool = False) -> OrgUnit:
    """The open branch ``pk`` if the user sees it (or manages it), else a 404."""
    scope = scope_for(request.user)
    if manage and not scope.is_manager:
        raise PermissionDenied(_("只有支部书记、副书记、组织委员和组织管理员可以安排组织生活。"))
    found = OrgUnit.objects.filter(scope.units_q(manage=manage), pk=pk, kind=OrgUnit.Kind.BRANCH).first()
    if found is None:
        raise Http404
    return found


@dataclass
class Cell:
    """One kind of one branch in the summary: the status now and the year's overdue periods."""

    kind: str
    label: str
    status: str
    overdue: int

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def _summary(rows: list[c.KindCompliance], today: Any) -> list[Cell]:
    by_kind: dict[str, list[c.KindCompliance]] = defaultdict(list)
    for row in rows:
        by_kind[row.kind].append(row)
    cells = []
    for kind, kind_rows in by_kind.items():
        now = [row.on(today) or row.periods[-1] for row in kind_rows]
        status = min((p.status for p in now), key=SEVERITY.index)
        overdue = sum(1 for row in kind_rows for p in row.periods if p.status == c.OVERDUE)
        cells.append(Cell(kind=kind, label=kind_rows[0].kind_label, status=status, overdue=overdue))
    return cells


def _rules(rows: list[c.KindCompliance]) -> list[c.KindCompliance]:
    """One row per kind, for the rules shown once on the board."""
    seen: dict[str, c.KindCompliance] = {}
    for row in rows:
        seen.setdefault(row.kind, row)
    return list(seen.values())


def _year_links(year: int) -> dict[str, int]:
    return {"year": year, "previous_year": year - 1, "next_year": year + 1}


@login_required
def board(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not sees_the_tree(scope):
        raise PermissionDenied(_("组织生活看板供党组织负责人和组织管理员查看。"))
    year = year_of(request)
    branches = list(c.branches_in_sight(scope=scope)[:MAX_BRANCHES])
    rows = c.compliance(branches=branches, since=c.date(year, 1, 1), until=c.date(year, 12, 1))
    by_branch: dict[int, list[c.KindCompliance]] = defaultdict(list)
    for row in rows:
        by_branch[row.branch_id].append(row)
    today = timezone.localdate()
    cards = [{"branch": b, "cells": _summary(by_branch[b.pk], today)} for b in branches]
    context = {"cards": cards, "rules": _rules(rows), "statuses": STATUS_LABELS, **_year_links(year)}
    if len(branches) == 1:  # a secretary: their branch's periods on the board itself
        context["detail"] = by_branch[branches[0].pk]
        context["can_plan"] = can_manage(acting_user=request.user, unit=branches[0], scope=scope)
    return render(request, "orglife/board_list.html", context)


@login_required
def branch_board(request: HttpRequest, pk: int) -> HttpResponse:
    branch = branch_in_scope(request, pk)
    year = year_of(request)
    rows = c.compliance(branches=[branch], since=c.date(year, 1, 1), until=c.date(year, 12, 1))
    context = {
        "branch": branch,
        "detail": rows,
        "statuses": STATUS_LABELS,
        "can_plan": can_manage(acting_user=request.user, unit=branch),
        "theme_day": theme_day_of(branch),
        **_year_links(year),
    }
    return render(request, "orglife/board_branch.html", context)


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    branch = branch_in_scope(request, pk, manage=True)
    year = year_of(request) if request.method == "GET" else _posted_year(request)
    if request.method == "POST":
        keys = request.POST.getlist("key")
        done = run_service(
            request,
            lambda: plan_accept(acting_user=request.user, branch=branch, year=year, keys=keys),
            success=lambda meetings: _("已安排 %(count)d 次会议。") % {"count": len(meetings)},
            redirect_to=f"{request.path}?year={year}",
        )
        if done.response:
            return done.response
    context = {
        "branch": branch,
        "proposals": plan_proposal(branch=branch, year=year),
        "settings_form": ThemeDayForm(initial={"theme_day_of_month": theme_day_of(branch)}),
        **_year_links(year),
    }
    return render(request, "orglife/board_plan.html", context)


def _posted_year(request: HttpRequest) -> int:
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
@require_POST
def settings(request: HttpRequest, pk: int) -> HttpResponse:
    branch = branch_in_scope(request, pk, manage=True)
    form = ThemeDayForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("theme_day_of_month", []):
            messages.error(request, str(error))
        return redirect("orglife_board:plan", pk=branch.pk)
    return run_and_redirect(
        request,
        lambda: life_settings_update(
            acting_user=request.user, branch=branch, theme_day_of_month=form.cleaned_data["theme_day_of_month"]
        ),
        to=redirect("orglife_board:plan", pk=branch.pk).url,
        success=_("已保存主题党日日期。"),
    )
