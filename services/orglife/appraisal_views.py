"""民主评议 pages: the list, opening a year's appraisal, and one appraisal — a member's
self-assessment and ratings, the branch committee's counts and conclusion."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.web import run_and_redirect, run_service
from services.organization.models import OrgUnit
from services.organization.scope import scope_for

from . import appraisal as service
from .appraisal_forms import AppraisalOpenForm, ConcludeForm, RatingForm, SelfForm
from .models import Appraisal


def _appraisal_or_404(request: HttpRequest, pk: int) -> Appraisal:
    try:
        return service.appraisal_get(acting_user=request.user, pk=pk)
    except Appraisal.DoesNotExist:
        raise Http404 from None


def _require_listed(request: HttpRequest, appraisal: Appraisal) -> Any:
    """The user's own place in the appraisal; a 403 for those who only see it (the services check again)."""
    mine = service.my_subject(acting_user=request.user, appraisal=appraisal)
    if mine is None:
        raise PermissionDenied(_("您不在本次民主评议的名单中。"))
    return mine


def _managed_branches(request: HttpRequest) -> Any:
    scope = scope_for(request.user)
    return OrgUnit.objects.filter(
        scope.units_q(manage=True), kind=OrgUnit.Kind.BRANCH, closed_on__isnull=True
    ).order_by("path")


@login_required
def appraisal_list(request: HttpRequest) -> HttpResponse:
    appraisals = service.appraisals_seen(acting_user=request.user)[:100]
    return render(
        request,
        "orglife/appraisal_list.html",
        {"appraisals": appraisals, "can_open": scope_for(request.user).is_manager},
    )


@login_required
def appraisal_open(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).is_manager:
        raise PermissionDenied(_("只有支部书记、组织委员和组织管理员可以组织民主评议。"))
    form = AppraisalOpenForm(request.POST or None, branches=_managed_branches(request))
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: service.appraisal_open(acting_user=request.user, **form.cleaned_data),
            form=form,
            success=_("民主评议已开始，支部党员可以提交自评和互评。"),
            redirect_to=lambda appraisal: redirect("orglife_appraisal:detail", pk=appraisal.pk),
        )
        if done.response:
            return done.response
    return render(request, "orglife/appraisal_open.html", {"form": form})


@login_required
def appraisal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal_or_404(request, pk)
    mine = service.my_subject(acting_user=request.user, appraisal=appraisal)
    context: dict[str, Any] = {"appraisal": appraisal, "mine": mine, "subjects": appraisal.subjects.all()}
    if mine is not None:
        others = list(appraisal.subjects.exclude(pk=mine.pk).order_by("name", "pk"))
        context["self_form"] = SelfForm(initial={"self_assessment": mine.self_assessment})
        context["rating_form"] = RatingForm(others=others, given=service.my_ratings(rater=mine))
    if service.on_committee(acting_user=request.user, branch=appraisal.branch):
        tallies = service.appraisal_tally(acting_user=request.user, appraisal=appraisal)
        form = ConcludeForm(tallies=tallies)
        labels = dict(service.Grade.choices)
        context["conclude_form"] = form
        context["grades"] = service.Grade.choices
        context["tallies"] = [
            {
                "tally": row,
                "grade": form[f"g{row.subject.pk}"],
                "note": form[f"n{row.subject.pk}"],
                "conclusion": labels.get(row.subject.conclusion, ""),
            }
            for row in tallies
        ]
    return render(request, "orglife/appraisal_detail.html", context)


@login_required
@require_POST
def appraisal_self(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal_or_404(request, pk)
    _require_listed(request, appraisal)
    form = SelfForm(request.POST)
    text = form.cleaned_data["self_assessment"] if form.is_valid() else ""
    return run_and_redirect(
        request,
        lambda: service.appraisal_self_submit(acting_user=request.user, appraisal=appraisal, text=text),
        to=redirect("orglife_appraisal:detail", pk=pk),
        success=_("个人自评已提交。"),
        refusals=True,
    )


@login_required
@require_POST
def appraisal_rate(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal_or_404(request, pk)
    mine = _require_listed(request, appraisal)
    others = list(appraisal.subjects.exclude(pk=mine.pk))
    form = RatingForm(request.POST, others=others, given={})
    grades = form.grades() if form.is_valid() else {}
    return run_and_redirect(
        request,
        lambda: service.appraisal_rate(acting_user=request.user, appraisal=appraisal, grades=grades),
        to=redirect("orglife_appraisal:detail", pk=pk),
        success=_("互评已提交；截止前可以修改。"),
    )


@login_required
@require_POST
def appraisal_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _appraisal_or_404(request, pk)
    tallies = service.appraisal_tally(acting_user=request.user, appraisal=appraisal)  # 403 off the committee
    form = ConcludeForm(request.POST, tallies=tallies)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("orglife_appraisal:detail", pk=pk)
    return run_and_redirect(
        request,
        lambda: service.appraisal_conclude(
            acting_user=request.user,
            appraisal=appraisal,
            conclusions=form.conclusions(),
            concluded_on=form.cleaned_data["concluded_on"],
        ),
        to=redirect("orglife_appraisal:detail", pk=pk),
        success=_("民主评议结论已记入党员档案。"),
    )
