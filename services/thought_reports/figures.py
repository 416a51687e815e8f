"""The per-branch figure of ideological reports for oversight (services/kernel/figures.py): of the
due dates of ``year`` already passed, for everyone writing reports in the branch, how many were
answered by a report **submitted on time** (a report answers the due date of the period it was
first submitted in: schedule.due_for). The same definition as the writer's page (selectors)."""

from __future__ import annotations

from django.utils import timezone

from services.kernel.figures import UnitFigure

from .selectors import submitted_on_time_by_branch


def unit_figures(*, year: int) -> list[UnitFigure]:
    counts = submitted_on_time_by_branch(year=year, today=timezone.localdate())
    return [
        UnitFigure(unit_id=branch, numerator=done, denominator=total)
        for branch, (done, total) in sorted(counts.items())
    ]
