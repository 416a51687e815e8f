"""The facts the capabilities publish for oversight: per branch and year, a numerator over a
denominator (``services/kernel/figures.py`` ``UnitFigure``), computed by each metric of
``services/metrics/registry.py`` and written here, de-identified, into the public ``UnitFact``
table by the institution's figures job.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from services.kernel.figures import UnitFigure
from services.metrics import registry
from services.organization.models import OrgUnit

from .models import UnitFact


def _rows(
    institution: Any, metric: str, period: str, figures: Iterable[UnitFigure], units: dict[int, tuple[str, str]]
) -> list[UnitFact]:
    now = timezone.now()
    rows = []
    for figure in figures:
        if figure.unit_id not in units:
            continue
        path, kind = units[figure.unit_id]
        small = figure.denominator < UnitFact.SMALL_COUNT
        rows.append(
            UnitFact(
                institution_id=institution.pk,
                unit_path=path,
                depth=path.count("."),
                unit_kind=kind,
                period=period,
                metric=metric,
                suppressed=small,
                numerator=None if small else figure.numerator,
                denominator=None if small else figure.denominator,
                computed_at=now,
            )
        )
    return rows


def unit_facts_publish(*, institution: Any, year: int | None = None) -> int:
    """Run inside the institution's schema: every source's figures for ``year`` (this year by
    default), replacing what this institution published for that year. Returns the rows written."""
    year = year or date.today().year
    period = str(year)
    units = {pk: (path, kind) for pk, path, kind in OrgUnit.objects.values_list("pk", "path", "kind")}
    rows = [
        row
        for name, metric in registry.METRICS.items()
        for row in _rows(institution, name, period, metric.compute(year=year), units)
    ]
    with transaction.atomic():
        UnitFact.objects.filter(institution_id=institution.pk, period=period).delete()
        UnitFact.objects.bulk_create(rows)
    return len(rows)
