"""Reads of surveys, narrowed to the caller: managers see the surveys of the units they manage,
members the surveys that ask them (open, or closed for their results)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from services.members.selectors import member_of
from services.organization.models import OrgUnit
from services.organization.scope import Scope, scope_for

from .audience import can_manage_survey, can_see_results, in_audience, surveys_for_member
from .models import Participation, Survey


def managed_surveys(*, acting_user: Any, scope: Scope | None = None) -> QuerySet[Survey]:
    scope = scope or scope_for(acting_user)
    return (
        Survey.objects.filter(scope.units_q("unit__", manage=True))
        .select_related("unit")
        .annotate(answered=Count("participations"))
    )


def managed_units(*, acting_user: Any) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(scope_for(acting_user).units_q(manage=True)).order_by("path")


def my_surveys(*, acting_user: Any) -> list[dict[str, Any]]:
    """The open and closed surveys that ask the user, each with whether they have answered."""
    member = member_of(acting_user)
    surveys = surveys_for_member(member, statuses=(Survey.Status.OPEN, Survey.Status.CLOSED))
    done = set(
        Participation.objects.filter(user_id=acting_user.pk, survey__in=surveys).values_list("survey_id", flat=True)
    )
    return [{"survey": s, "answered": s.pk in done} for s in sorted(surveys, key=lambda s: (s.status, s.closes_on))]


def survey_get(*, acting_user: Any, pk: int) -> Survey:
    """A survey the user may see: they manage it, or it asks them and is not a draft.
    ``Survey.DoesNotExist`` otherwise (a 404 for the pages and the API)."""
    survey = Survey.objects.select_related("unit").get(pk=pk)
    if can_manage_survey(acting_user=acting_user, survey=survey):
        return survey
    if survey.status != Survey.Status.DRAFT and in_audience(survey=survey, user=acting_user):
        return survey
    raise Survey.DoesNotExist


def results_get(*, acting_user: Any, pk: int) -> Survey:
    survey = survey_get(acting_user=acting_user, pk=pk)
    if not can_see_results(acting_user=acting_user, survey=survey):
        raise Survey.DoesNotExist
    return survey
