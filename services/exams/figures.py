"""The per-branch figure for oversight (services/kernel/figures.py): exam participation in a year.

For each branch, over the exams of the year (by opening) whose audience includes it and whose
papers were drawn: the papers of its members that were submitted (numerator) over the papers
drawn for them (denominator) — first attempts only, so a retake counts once. The same count
the managers' exam pages show (submitted / papers). No names, no member ids.
"""

from __future__ import annotations

from django.db.models import Count, Q

from services.kernel.figures import UnitFigure

from .models import Attempt

FINISHED = (Attempt.Status.SUBMITTED, Attempt.Status.MARKED)


def participation_by_branch(*, year: int) -> dict[int, tuple[int, int]]:
    """branch id → (first papers submitted, first papers drawn) for the exams opened in ``year``."""
    rows = (
        Attempt.objects.filter(number=1, exam__opens_at__year=year)
        .values("member__branch_id")
        .annotate(drawn=Count("pk"), done=Count("pk", filter=Q(status__in=FINISHED)))
    )
    return {r["member__branch_id"]: (r["done"], r["drawn"]) for r in rows}


def unit_figures(*, year: int) -> list[UnitFigure]:
    found = participation_by_branch(year=year)
    return [
        UnitFigure(unit_id=unit_id, numerator=done, denominator=drawn)
        for unit_id, (done, drawn) in sorted(found.items())
    ]
