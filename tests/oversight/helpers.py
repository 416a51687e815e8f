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
    if denominator is None:
        denominator = numerator
    small = denominator is not None and denominator < UnitFact.SMALL_COUNT
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
