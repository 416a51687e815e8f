"""Facts for the dashboard's tests, inserted straight into the public table."""

from __future__ import annotations

from django.utils import timezone

from services.oversight.models import UnitFact
from tenants.models import Institution


def school(code: str, *, kind: str = "university", region: str = "", name: str = "") -> Institution:
    """An institution row without a schema: the dashboard never enters one."""
    return Institution.objects.create(
        code=code, name=name or f"{code}学院", schema_name=f"inst_{code}", kind=kind, region=region
    )


def fact(
    institution: Institution,
    metric: str,
    numerator: int | None,
    denominator: int | None = None,
    *,
    path: str = "1.",
    period: str = "2026",
    kind: str = "committee",
) -> UnitFact:
    """As the facts job writes one: a count holds its number as the numerator with no denominator,
    and a count of people or a denominator below ``SMALL_COUNT`` is suppressed (neither number)."""
    count = denominator is None
    people = numerator if count else denominator
    small = people is not None and people < UnitFact.SMALL_COUNT and metric != "organization.branches"
    return UnitFact.objects.create(
        institution=institution,
        unit_path=path,
        depth=path.count("."),
        unit_kind=kind,
        period=period,
        metric=metric,
        suppressed=small,
        numerator=None if small else numerator,
        denominator=None if small else denominator,
        computed_at=timezone.now(),
    )
