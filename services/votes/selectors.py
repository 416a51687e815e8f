"""Reads of branch votes, narrowed through ``scope_for``: a vote is seen by those who see its branch
(secretaries, committee members, unit admins) and managed by those who manage it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from services.organization.models import OrgUnit
from services.organization.scope import Scope, scope_for
from services.orglife.models import Meeting

from . import counting
from .models import BranchVote, Candidate, Elector
from .services import VOTABLE_STAGE, vote_rules


def vote_list(*, acting_user: Any, scope: Scope | None = None, branch_id: int | None = None) -> QuerySet[BranchVote]:
    """Votes of the branches the user sees, newest meeting first."""
    scope = scope or scope_for(acting_user)
    votes = BranchVote.objects.filter(scope.units_q("branch__")).select_related("branch")
    if branch_id:
        votes = votes.filter(branch_id=branch_id)
    return votes.order_by("-meeting_on", "-id")


def vote_get(*, acting_user: Any, pk: int) -> BranchVote:
    """One vote the user may see; ``BranchVote.DoesNotExist`` otherwise (a 404)."""
    return vote_list(acting_user=acting_user).select_related("meeting").get(pk=pk)


def elector_get(*, acting_user: Any, pk: int) -> Elector:
    """One electorate row of a vote the user may see; ``Elector.DoesNotExist`` otherwise."""
    scope = scope_for(acting_user)
    return Elector.objects.select_related("vote__branch").filter(scope.units_q("vote__branch__")).get(pk=pk)


def managed_branches(*, acting_user: Any) -> QuerySet[OrgUnit]:
    """Open branches whose votes the user may create."""
    scope = scope_for(acting_user)
    return OrgUnit.objects.filter(
        scope.units_q(manage=True), kind=OrgUnit.Kind.BRANCH, closed_on__isnull=True
    ).order_by("path")


def vote_meetings(*, branch: OrgUnit) -> QuerySet[Meeting]:
    """The branch member meetings of ``branch`` a vote may be held at: not cancelled, from the last
    year on (a vote is recorded within months of its meeting), latest first."""
    since = timezone.now() - timedelta(days=366)
    return Meeting.objects.filter(
        unit=branch, kind=Meeting.Kind.MEMBER_MEETING, status=Meeting.Status.PLANNED, starts_at__gte=since
    ).order_by("-starts_at", "-pk")


def votable_dossiers(*, branch: OrgUnit, kind: str) -> QuerySet[Any]:
    """Dossiers of ``branch`` in the stage ``kind`` votes on: development targets for admission,
    probationary members for confirmation."""
    from services.development.models import Dossier

    stage = VOTABLE_STAGE.get(kind)
    if stage is None:
        return Dossier.objects.none()
    return Dossier.objects.filter(branch=branch, stage=stage).order_by("name", "id")


@dataclass(frozen=True)
class Arithmetic:
    """What the result page shows: the numbers, the thresholds, and the rules with citations."""

    entitled: int
    present: int
    written: int
    quorum: bool
    quorum_needed: int
    majority_needed: int
    rules: list[dict[str, Any]]
    error: str = ""


def vote_arithmetic(*, vote: BranchVote) -> Arithmetic:
    """The quorum and majority arithmetic of a vote: as recorded (with the rules recorded then), or
    for a draft, from the current electorate and the rules in force on the meeting date."""
    error = ""
    if vote.status == BranchVote.Status.RECORDED:
        applied = vote.rules_applied
        entitled = vote.entitled_count or 0
        present = vote.present_count or 0
        written = vote.written_count or 0
    else:
        in_force = vote_rules(on=vote.meeting_on)
        applied = {
            key: {"value": rule.value, "citation": rule.citation, "source": rule.source, "title": rule.title}
            for key, rule in in_force.items()
        }
        entitled = vote.electors.filter(entitled=True).count()
        present = written = 0
    try:
        quorum_fraction = counting.parse_fraction(applied[counting.QUORUM_KEY]["value"])
        majority_fraction = counting.parse_fraction(applied[counting.MAJORITY_KEY]["value"])
    except (ValueError, ZeroDivisionError):
        # A malformed institution override: the page still opens; recording refuses with the key.
        quorum_fraction = majority_fraction = Fraction(1, 2)
        error = _("本校调整的表决规则取值不是分数（如 1/2），请在规则设置中更正；下面按 1/2 显示。")
    return Arithmetic(
        error=error,
        entitled=entitled,
        present=present,
        written=written,
        quorum=counting.more_than(present, entitled, quorum_fraction),
        quorum_needed=counting.minimum_more_than(entitled, quorum_fraction),
        majority_needed=counting.minimum_more_than(entitled, majority_fraction),
        rules=[{"key": key, **value} for key, value in sorted(applied.items())],
    )


def vote_candidates(*, vote: BranchVote) -> QuerySet[Candidate]:
    return vote.candidates.select_related("dossier").order_by("sort_order", "id")


def candidate_readiness(*, vote: BranchVote) -> dict[int, list[str]]:
    """For a draft: per candidate, the development guards that would refuse a *passed* outcome on
    the meeting date (sponsors, training, publicity, pre-review… for admission; approval, end of
    probation, application for confirmation), so the secretary sees them before the meeting. The
    guards are the development app's (``services.development.guards``); nothing is decided here."""
    from django.utils import timezone

    from services.development import guards
    from services.development.models import Dossier

    if vote.status != BranchVote.Status.DRAFT:
        return {}
    to_stage = "probationary" if vote.kind == BranchVote.Kind.ADMISSION else "full"
    dossier_ids = list(vote.candidates.values_list("dossier_id", flat=True))
    dossiers = Dossier.objects.filter(pk__in=dossier_ids).prefetch_related("steps", "contacts")
    book = guards.RuleBook()
    today = timezone.localdate()
    by_dossier = {
        dossier.pk: [
            f"{guard.title}：{guard.missing}"
            for guard in guards.blocking_failures(
                guards.guards_for(dossier, to_stage=to_stage, on=vote.meeting_on, today=today, rules=book)
            )
        ]
        for dossier in dossiers
    }
    return {
        candidate.pk: by_dossier.get(candidate.dossier_id, []) if candidate.dossier_id else []
        for candidate in vote.candidates.all()
    }


def eligible_dossiers(*, acting_user: Any, branch_id: int | None = None, kind: str = "") -> QuerySet[Any]:
    """Dossiers that can be put to a vote by the user: in a branch they manage, in the stage a kind
    votes on (development targets: admission; probationary members: confirmation)."""
    from services.development.models import Dossier

    scope = scope_for(acting_user)
    stages = [VOTABLE_STAGE[kind]] if kind in VOTABLE_STAGE else list(VOTABLE_STAGE.values())
    dossiers = Dossier.objects.filter(scope.units_q("branch__", manage=True), stage__in=stages)
    if branch_id:
        dossiers = dossiers.filter(branch_id=branch_id)
    return dossiers.select_related("branch").order_by("branch__path", "name", "id")
