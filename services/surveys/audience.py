"""Who a survey asks (its audience) and what a person may do with it.

The audience is the members on the roll of the survey's unit (and, with ``include_subunits``, of
every unit below it) who have at least one of its roles: full member, probationary member, or
holding a party position now (secretary, deputy, committee member, group leader). Asked afresh
each time, so a member who moves into the unit while a survey is open is asked too."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from services.members.models import Member
from services.members.selectors import member_of
from services.members.status import OFF_ROLL_STATUSES
from services.organization.models import Position
from services.organization.scope import Scope, can_manage, current_positions_q

from .models import Survey


def audience_q(survey: Survey, *, on: date | None = None) -> Q:
    """A filter on members: those ``survey`` asks."""
    today = on or timezone.localdate()
    if survey.include_subunits:
        where = Q(branch__path__startswith=survey.unit.path)
    else:
        where = Q(branch_id=survey.unit_id)
    roles = Q(pk__in=[])
    if Survey.Role.FULL in survey.roles:
        roles |= ~Q(status=Member.Status.PROBATIONARY)
    if Survey.Role.PROBATIONARY in survey.roles:
        roles |= Q(status=Member.Status.PROBATIONARY)
    if Survey.Role.COMMITTEE in survey.roles:
        holders = Position.objects.filter(current_positions_q(on=today)).values("member_id")
        roles |= Q(pk__in=holders)
    return where & roles & ~Q(status__in=OFF_ROLL_STATUSES)


def audience_members(survey: Survey) -> Any:
    return Member.objects.filter(audience_q(survey))


def audience_count(survey: Survey) -> int:
    return audience_members(survey).count()


def member_in_audience(survey: Survey, member: Member | None) -> bool:
    return member is not None and audience_members(survey).filter(pk=member.pk).exists()


def in_audience(*, survey: Survey, user: Any) -> bool:
    """Whether ``user``'s member record is asked by ``survey``."""
    return member_in_audience(survey, member_of(user))


def surveys_for_member(member: Member | None, *, statuses: tuple[str, ...]) -> list[Survey]:
    """The surveys in ``statuses`` that ask ``member`` (checked one survey at a time among the
    few whose unit is the member's branch or above it)."""
    if member is None or member.branch_id is None:
        return []
    path = member.branch.path
    above = [path[: i + 1] for i, char in enumerate(path) if char == "."]
    candidates = (
        Survey.objects.filter(status__in=statuses, unit__path__in=above)
        .filter(Q(include_subunits=True) | Q(unit_id=member.branch_id))
        .select_related("unit")
    )
    return [survey for survey in candidates if member_in_audience(survey, member)]


def can_manage_survey(*, acting_user: Any, survey: Survey, scope: Scope | None = None) -> bool:
    """Whether ``acting_user`` runs ``survey``: they manage its unit (None is the system)."""
    return can_manage(acting_user=acting_user, unit=survey.unit, scope=scope)


def can_see_results(*, acting_user: Any, survey: Survey) -> bool:
    """The survey's managers always; its audience once it is closed (the 党务公开 board links the
    results of a closed survey)."""
    if can_manage_survey(acting_user=acting_user, survey=survey):
        return True
    return survey.status == Survey.Status.CLOSED and in_audience(survey=survey, user=acting_user)
