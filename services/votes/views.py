"""Vote pages of the portal: the list, a new vote (branch and kind, then meeting and candidates),
the vote with its electorate (exclusions), recording presence and counts, the result with its
arithmetic and rules, and deleting a draft.

Views parse, authorize and call one selector or service. A vote outside the user's scope is a 404;
a vote in sight but not managed gets a 403 on every write (the services check again).
"""

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
from services.organization.scope import scope_for

from . import selectors, services
from .common import can_manage_votes
from .forms import ExcludeForm, VoteCreateForm, VoteRecordForm, VoteStartForm
from .inputs import candidate_key, count_key, opinion_key, presence_key
from .models import BranchVote, Elector
from .recording import meeting_held, not_held_message


def _vote_or_404(request: HttpRequest, pk: int) -> BranchVote:
    try:
        return selectors.vote_get(acting_user=request.user, pk=pk)
    except BranchVote.DoesNotExist:
        raise Http404 from None


def _elector_or_404(request: HttpRequest, pk: int) -> Elector:
    try:
        return selectors.elector_get(acting_user=request.user, pk=pk)
    except Elector.DoesNotExist:
        raise Http404 from None


def _require_manage(request: HttpRequest, vote: BranchVote) -> None:
    """Checked before a form is shown; the services check the same (``can_manage_votes``)."""
    if not can_manage_votes(acting_user=request.user, branch=vote.branch):
        raise PermissionDenied(_("您无权管理“%(unit)s”的表决。") % {"unit": vote.branch.name})


@login_required
def vote_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    votes = selectors.vote_list(acting_user=request.user, scope=scope)[:200]
    return render(request, "votes/list.html", {"votes": votes, "can_create": scope.is_manager})


@login_required
def vote_create(request: HttpRequest) -> HttpResponse:
    branches = selectors.managed_branches(acting_user=request.user)
    if not scope_for(request.user).is_manager:
        raise PermissionDenied(_("只有支部书记、副书记、组织委员和组织管理员可以组织表决。"))
    source = request.POST if request.method == "POST" else request.GET
    start = VoteStartForm(source or None, branches=branches)
    if not start.is_valid():
        return render(request, "votes/create.html", {"start": start, "form": None})
    branch, kind = start.cleaned_data["branch"], start.cleaned_data["kind"]
    dossiers = selectors.votable_dossiers(branch=branch, kind=kind)
    form = VoteCreateForm(
        request.POST if request.method == "POST" else None,
        dossiers=dossiers,
        meetings=selectors.vote_meetings(branch=branch),
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.vote_create(branch=branch, kind=kind, acting_user=request.user, **form.cleaned_data),
            form=form,
            next_to_fields=False,  # the page lists the service's refusals above the form
            success=_("已新建表决，请核对有表决权名单。"),
            redirect_to=lambda vote: redirect("votes:detail", pk=vote.pk),
        )
        if done.response:
            return done.response
    return render(
        request,
        "votes/create.html",
        {"start": start, "form": form, "branch": branch, "kind_label": BranchVote.Kind(kind).label, "kind": kind},
    )


def _detail_context(request: HttpRequest, vote: BranchVote, *, readiness: bool = False) -> dict[str, Any]:
    electors = list(vote.electors.select_related("member").order_by("-entitled", "name", "id"))
    missing = selectors.candidate_readiness(vote=vote) if readiness else {}
    candidates = [
        {"candidate": candidate, "missing": missing.get(candidate.pk, [])}
        for candidate in selectors.vote_candidates(vote=vote)
    ]
    return {
        "vote": vote,
        "electors": electors,
        "entitled": sum(1 for elector in electors if elector.entitled),
        "candidates": [row["candidate"] for row in candidates],
        "candidate_rows": candidates,
        "arithmetic": selectors.vote_arithmetic(vote=vote),
        "can_manage": can_manage_votes(acting_user=request.user, branch=vote.branch),
        "meeting_held": meeting_held(vote),
        "exclude_form": ExcludeForm(initial={"approved_on": vote.meeting_on}),
    }


@login_required
def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote_or_404(request, pk)
    return render(request, "votes/detail.html", _detail_context(request, vote, readiness=True))


@login_required
@require_POST
def elector_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    elector = _elector_or_404(request, pk)
    _require_manage(request, elector.vote)
    form = ExcludeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{elector.name}：{error}")
        return redirect("votes:detail", pk=elector.vote_id)
    return run_and_redirect(
        request,
        lambda: services.elector_exclude(elector=elector, acting_user=request.user, **form.cleaned_data),
        success=_("%(name)s 已不计入有表决权人数。") % {"name": elector.name},
        to=redirect("votes:detail", pk=elector.vote_id),
        prefix=f"{elector.name}：",
    )


@login_required
@require_POST
def elector_include(request: HttpRequest, pk: int) -> HttpResponse:
    elector = _elector_or_404(request, pk)
    _require_manage(request, elector.vote)
    return run_and_redirect(
        request,
        lambda: services.elector_include(elector=elector, acting_user=request.user),
        success=_("%(name)s 已恢复计入有表决权人数。") % {"name": elector.name},
        to=redirect("votes:detail", pk=elector.vote_id),
    )


@login_required
def vote_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Presence of each entitled elector, written opinions per candidate, and the counts."""
    vote = _vote_or_404(request, pk)
    _require_manage(request, vote)
    if vote.status != BranchVote.Status.DRAFT:
        return redirect("votes:result", pk=vote.pk)
    if not meeting_held(vote):
        messages.error(request, not_held_message(vote))
        return redirect("votes:detail", pk=vote.pk)
    electors = list(vote.electors.filter(entitled=True).order_by("name", "id"))
    candidates = list(selectors.vote_candidates(vote=vote))
    form = VoteRecordForm(request.POST if request.method == "POST" else None, electors=electors, candidates=candidates)
    if form.is_valid():
        done = run_service(
            request,
            lambda: services.vote_record(vote=vote, vote_input=form.vote_input(), acting_user=request.user),
            form=form,
            success=_("表决结果已记录。"),
            redirect_to=redirect("votes:result", pk=vote.pk),
        )
        if done.response:
            return done.response
    return render(
        request,
        "votes/record.html",
        {
            "vote": vote,
            **_record_rows(form),
            "general_errors": [str(error) for error in form.non_field_errors()],
            "arithmetic": selectors.vote_arithmetic(vote=vote),
            "presence_choices": Elector.Presence.choices,
            "opinion_choices": [("yes", _("赞成")), ("no", _("反对")), ("abstain", _("弃权"))],
        },
        status=400 if form.errors else 200,
    )


def _record_rows(form: VoteRecordForm) -> dict[str, list[dict[str, Any]]]:
    """The record form as the page lays it out: one row per elector with their written opinions,
    one fieldset per candidate with its counts, each value as sent and its errors."""
    rows = [
        {
            "elector": elector,
            "presence": form.raw(presence_key(elector.pk)),
            "errors": form.errors_of(presence_key(elector.pk)),
            "opinions": [
                {
                    "candidate": candidate,
                    "name": opinion_key(elector.pk, candidate.pk),
                    "value": form.raw(opinion_key(elector.pk, candidate.pk)),
                    "errors": form.errors_of(opinion_key(elector.pk, candidate.pk)),
                }
                for candidate in form.candidates
            ],
        }
        for elector in form.electors
    ]
    count_rows = [
        {
            "candidate": candidate,
            "errors": form.errors_of(candidate_key(candidate.pk)),
            "fields": [
                {
                    "name": count_key(candidate.pk, choice),
                    "label": label,
                    "value": form.raw(count_key(candidate.pk, choice)),
                    "errors": form.errors_of(count_key(candidate.pk, choice)),
                }
                for choice, label in zip(services.CHOICES, (_("赞成"), _("反对"), _("弃权")), strict=True)
            ],
        }
        for candidate in form.candidates
    ]
    return {"rows": rows, "count_rows": count_rows}


@login_required
def vote_result(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote_or_404(request, pk)
    context = _detail_context(request, vote)
    context["present_names"] = [e.name for e in context["electors"] if e.presence == Elector.Presence.PRESENT]
    context["written_electors"] = [e for e in context["electors"] if e.presence == Elector.Presence.WRITTEN]
    context["absent_names"] = [e.name for e in context["electors"] if e.presence == Elector.Presence.ABSENT]
    return render(request, "votes/result.html", context)


@login_required
def vote_delete(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote_or_404(request, pk)
    _require_manage(request, vote)
    if request.method == "POST":
        return run_and_redirect(
            request,
            lambda: services.vote_delete(vote=vote, acting_user=request.user),
            success=_("已删除这次表决。"),
            to="votes:list",
            on_error=redirect("votes:detail", pk=vote.pk),
        )
    return render(request, "votes/delete_confirm.html", {"vote": vote})
