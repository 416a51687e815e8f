"""Reads of branch assessments (institution schemas): the system that applies, the automatic
evidence computed live through the metrics registry, the score with where each point came from,
and who may do what at each step (the same predicates the services enforce)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from services.kernel.figures import figures_run
from services.metrics import registry
from services.organization.models import OrgUnit
from services.organization.scope import scope_for

from . import scoring, selectors
from .models import Assessment, IndicatorSystem


def institution() -> Any:
    return getattr(connection, "tenant", None)


def system_for_year(year: int) -> IndicatorSystem | None:
    """The committee's system that applies to this institution for ``year``."""
    inst = institution()
    return selectors.applicable_system(institution_kind=getattr(inst, "kind", ""), year=year)


def system_of(assessment: Assessment) -> IndicatorSystem:
    """The committee's system the assessment was begun under (public schema), its nodes read."""
    with schema_context("public"):
        return IndicatorSystem.objects.prefetch_related("nodes").get(pk=assessment.system_id)


def local_system_for_year(year: int) -> IndicatorSystem | None:
    """The institution's own published local items for ``year`` (this schema), the newest version."""
    return (
        IndicatorSystem.objects.prefetch_related("nodes")
        .filter(status=IndicatorSystem.Status.PUBLISHED, year=year)
        .order_by("-version", "-published_at")
        .first()
    )


def local_system_of(assessment: Assessment) -> IndicatorSystem | None:
    if assessment.local_system_id is None:
        return None
    return IndicatorSystem.objects.prefetch_related("nodes").filter(pk=assessment.local_system_id).first()


def spec_of(
    assessment: Assessment, system: IndicatorSystem, local: IndicatorSystem | None = None
) -> scoring.SystemSpec:
    """The committee's system with the institution's local items the assessment began with
    (``local``, when the caller has read them already)."""
    local = local if local is not None else local_system_of(assessment)
    return scoring.with_local(selectors.spec(system), selectors.spec(local, local=True) if local else None)


def figures_for(unit: OrgUnit, *, metrics: list[str], year: int) -> dict[str, scoring.Figure | None]:
    """Each metric's figure for ``unit``, computed now by the registry (the one definition the
    committee's facts use too); None when the metric has nothing for the unit."""
    out: dict[str, scoring.Figure | None] = {}
    with figures_run():  # the metrics share what they read (several read the same tallies)
        for name in metrics:
            found = registry.METRICS.get(name)
            figure = None
            if found is not None:
                for row in found.compute(year=year):
                    if row.unit_id == unit.pk:
                        figure = scoring.Figure(row.numerator, row.denominator)
                        break
            out[name] = figure
    return out


def provided(assessment: Assessment) -> set[int]:
    return set(assessment.evidence.values_list("node_id", flat=True))


def score(assessment: Assessment, system: IndicatorSystem) -> scoring.Result:
    local = local_system_of(assessment)
    metrics = sorted({*selectors.metrics_used(system), *(selectors.metrics_used(local) if local else [])})
    return scoring.score(
        spec_of(assessment, system, local),
        provided=provided(assessment),
        figures=figures_for(assessment.unit, metrics=metrics, year=assessment.year),
    )


def lines_of(result: scoring.Result) -> list[dict[str, Any]]:
    """The score's explanation as stored on the assessment (JSON)."""
    return [
        {
            "area": a.area.title,
            "items": [
                {
                    "item": i.item.title,
                    "score": str(i.score),
                    "points": str(i.item.points),
                    "lines": [[line.text, str(line.points)] for line in i.lines],
                }
                for i in a.items
            ],
        }
        for a in result.areas
    ]


def second_level_of(unit: OrgUnit) -> OrgUnit | None:
    """The branch's 院系党委 (or 党总支): its parent, unless that is the institution's committee."""
    parent = unit.parent
    if parent is None or parent.kind == OrgUnit.Kind.COMMITTEE:
        return None
    return parent


def closed_message(system: IndicatorSystem, *, today: date | None = None) -> str | None:
    today = today or timezone.localdate()
    if system.closes_on is not None and today > system.closes_on:
        return _("%(y)s 年度的考评已于 %(d)s 截止，不能再提交、审核或退回。") % {
            "y": system.year,
            "d": system.closes_on.isoformat(),
        }
    return None


def may_self_assess(user: Any, unit: OrgUnit) -> bool:
    return scope_for(user).covers_unit(unit, manage=True)


def may_review(user: Any, assessment: Assessment) -> bool:
    """The step's reviewer: the managers of the branch's second-level unit, then the
    institution's administrators."""
    scope = scope_for(user)
    if assessment.status == Assessment.Status.INSTITUTION:
        return scope.everything
    if assessment.status == Assessment.Status.SECOND:
        upper = second_level_of(assessment.unit)
        return upper is not None and scope.covers_unit(upper, manage=True)
    return False


def may_see(user: Any, assessment: Assessment) -> bool:
    return scope_for(user).covers_unit(assessment.unit)


def branches_for(user: Any) -> QuerySet[OrgUnit]:
    """The branches whose assessment ``user`` sees: a secretary their branch, a college's
    managers their college's, the institution's administrators all."""
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH).filter(scope_for(user).units_q()).order_by("path")


def assessments_for(user: Any, *, year: int) -> QuerySet[Assessment]:
    units = branches_for(user).values("pk")
    return Assessment.objects.filter(year=year, unit_id__in=units).select_related("unit__parent").order_by("unit__path")
