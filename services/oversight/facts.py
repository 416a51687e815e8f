"""The facts the capabilities publish for oversight: per branch and year, a numerator over a
denominator (``services/kernel/figures.py`` ``UnitFigure``), computed by each capability from the
same selectors its own pages use and written here, de-identified, into the public ``UnitFact``
table by the institution's figures job.

A capability offers a metric by a line in ``SOURCES``: its name and the function that computes it
for a year. Oversight is the only floor above every workflow, so the list lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from services.exams.figures import unit_figures as exam_figures
from services.kernel.figures import UnitFigure
from services.organization.models import OrgUnit
from services.study.figures import unit_figures as study_figures
from services.thought_reports.figures import unit_figures as thought_report_figures

from .models import UnitFact

Source = Callable[..., list[UnitFigure]]

# metric -> unit_figures(*, year): what each capability offers. Read when the job runs, so that a
# test can add one.
SOURCES: dict[str, Source] = {
    # Members meeting the year's study hours, of the members on the roll (docs/study.md).
    "study.hours_met": study_figures,
    # Papers submitted, of the papers drawn for the year's exams (docs/exams.md).
    "exams.took_part": exam_figures,
    # Ideological reports submitted by their due date, of the due dates passed (docs/thought_reports.md).
    "thought_reports.on_time": thought_report_figures,
}


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
        for metric, source in SOURCES.items()
        for row in _rows(institution, metric, period, source(year=year), units)
    ]
    with transaction.atomic():
        UnitFact.objects.filter(institution_id=institution.pk, period=period).delete()
        UnitFact.objects.bulk_create(rows)
    return len(rows)
