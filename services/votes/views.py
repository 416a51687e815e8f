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
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.inputs import ascii_int
from services.organization.scope import scope_for

from . import selectors, services
from .common import can_manage_votes
from .forms import ExcludeForm, VoteCreateForm, VoteStartForm
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


def _error_lines(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [message for messages_ in exc.message_dict.values() for message in messages_]
    return list(exc.messages)


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
    form = VoteCreateForm(request.POST if request.method == "POST" else None, dossiers=dossiers)
    if request.method == "POST" and form.is_valid():
        try:
            vote = services.vote_create(
                branch=branch,
                kind=kind,
                acting_user=request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            for line in _error_lines(exc):
                form.add_error(None, line)
        else:
            messages.success(request, _("已新建表决，请核对有表决权名单。"))
            return redirect("votes:detail", pk=vote.pk)
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
    try:
        services.elector_exclude(elector=elector, acting_user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for line in _error_lines(exc):
            messages.error(request, f"{elector.name}：{line}")
    else:
        messages.success(request, _("%(name)s 已不计入有表决权人数。") % {"name": elector.name})
    return redirect("votes:detail", pk=elector.vote_id)


@login_required
@require_POST
def elector_include(request: HttpRequest, pk: int) -> HttpResponse:
    elector = _elector_or_404(request, pk)
    _require_manage(request, elector.vote)
    try:
        services.elector_include(elector=elector, acting_user=request.user)
    except ValidationError as exc:
        for line in _error_lines(exc):
            messages.error(request, line)
    else:
        messages.success(request, _("%(name)s 已恢复计入有表决权人数。") % {"name": elector.name})
    return redirect("votes:detail", pk=elector.vote_id)


def _int_or_none(text: str) -> int | None:
    return ascii_int((text or "").strip())


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
    errors: dict[str, list[str]] = {}
    data = request.POST if request.method == "POST" else None
    if data is not None:
        presence = {elector.pk: data.get(f"presence-{elector.pk}", "") for elector in electors}
        opinions = {
            elector.pk: {candidate.pk: data.get(f"opinion-{elector.pk}-{candidate.pk}", "") for candidate in candidates}
            for elector in electors
        }
        counts: dict[int, dict[str, int]] = {}
        for candidate in candidates:
            counts[candidate.pk] = {}
            for choice in services.CHOICES:
                raw = data.get(f"count-{candidate.pk}-{choice}", "").strip()
                # A blank is 0: a meeting without a quorum has no counts, and with a quorum a
                # forgotten count still fails the sum check, which names the field.
                value = _int_or_none(raw) if raw else 0
                if value is None:
                    errors.setdefault(f"count-{candidate.pk}-{choice}", []).append(
                        _("请填写 %(name)s 的票数（0 或正整数）。") % {"name": candidate.name}
                    )
                else:
                    counts[candidate.pk][choice] = value
        if not errors:
            try:
                services.vote_record(
                    vote=vote,
                    presence=presence,
                    written_opinions=opinions,
                    counts=counts,
                    acting_user=request.user,
                )
            except ValidationError as exc:
                errors = dict(exc.message_dict) if hasattr(exc, "error_dict") else {"__all__": list(exc.messages)}
            else:
                messages.success(request, _("表决结果已记录。"))
                return redirect("votes:result", pk=vote.pk)
    rows: list[dict[str, Any]] = [
        {
            "elector": elector,
            "presence": data.get(f"presence-{elector.pk}", "") if data else "",
            "errors": errors.get(f"presence-{elector.pk}", []),
            "opinions": [
                {
                    "candidate": candidate,
                    "name": f"opinion-{elector.pk}-{candidate.pk}",
                    "value": data.get(f"opinion-{elector.pk}-{candidate.pk}", "") if data else "",
                    "errors": errors.get(f"opinion-{elector.pk}-{candidate.pk}", []),
                }
                for candidate in candidates
            ],
        }
        for elector in electors
    ]
    count_rows: list[dict[str, Any]] = [
        {
            "candidate": candidate,
            "errors": errors.get(f"candidate-{candidate.pk}", []),
            "fields": [
                {
                    "name": f"count-{candidate.pk}-{choice}",
                    "label": label,
                    "value": data.get(f"count-{candidate.pk}-{choice}", "") if data else "",
                    "errors": errors.get(f"count-{candidate.pk}-{choice}", []),
                }
                for choice, label in zip(services.CHOICES, (_("赞成"), _("反对"), _("弃权")), strict=True)
            ],
        }
        for candidate in candidates
    ]
    shown = {f"presence-{e.pk}" for e in electors} | {o["name"] for r in rows for o in r["opinions"]}
    shown |= {f["name"] for r in count_rows for f in r["fields"]} | {f"candidate-{c.pk}" for c in candidates}
    general = [message for key, values in errors.items() if key not in shown for message in values]
    return render(
        request,
        "votes/record.html",
        {
            "vote": vote,
            "rows": rows,
            "count_rows": count_rows,
            "general_errors": general,
            "arithmetic": selectors.vote_arithmetic(vote=vote),
            "presence_choices": Elector.Presence.choices,
            "opinion_choices": [("yes", _("赞成")), ("no", _("反对")), ("abstain", _("弃权"))],
        },
        status=400 if errors else 200,
    )


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
        try:
            services.vote_delete(vote=vote, acting_user=request.user)
        except ValidationError as exc:
            for line in _error_lines(exc):
                messages.error(request, line)
            return redirect("votes:detail", pk=vote.pk)
        messages.success(request, _("已删除这次表决。"))
        return redirect("votes:list")
    return render(request, "votes/delete_confirm.html", {"vote": vote})
