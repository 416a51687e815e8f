"""The per-branch figure of ideological reports for oversight (services/kernel/figures.py): of the
due dates of ``year`` already passed, for everyone writing reports in the branch, how many were
answered by a report **submitted on time** (a report answers the due date of the period it was
first submitted in: schedule.due_for). The same definition as the writer's page (selectors)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Min, Q
from django.utils import timezone

from services.kernel.figures import UnitFigure
from services.rules.resolver import rule

from .models import Note, Report
from .selectors import submitted_on_time_by_branch


def unit_figures(*, year: int) -> list[UnitFigure]:
    counts = submitted_on_time_by_branch(year=year, today=timezone.localdate())
    return [
        UnitFigure(unit_id=branch, numerator=done, denominator=total)
        for branch, (done, total) in sorted(counts.items())
    ]


# The decisions that answer a submitted report (an annotation alone does not).
DECISIONS = (Note.Kind.PASSED, Note.Kind.ACCEPTED, Note.Kind.RETURNED)


def reviewed_on_time_by_branch(*, year: int, now: datetime) -> dict[int, tuple[int, int]]:
    """Per branch id: (reports first submitted in ``year`` whose first decision — the contact
    person's or the branch's, passed on, accepted or returned — came within
    ``thought_reports.review_days`` (30) days, the reports that count). A report still waiting
    counts once its days are over (late); before that it counts for nothing. One query."""
    days = rule("thought_reports.review_days", on=min(now.date(), date(year, 12, 31))).number
    start = timezone.make_aware(datetime(year, 1, 1))
    end = timezone.make_aware(datetime(year + 1, 1, 1))
    rows = (
        Report.objects.filter(first_submitted_at__gte=start, first_submitted_at__lt=end)
        .annotate(first_decision=Min("notes__written_at", filter=Q(notes__kind__in=DECISIONS)))
        .order_by()
        .values_list("branch_id", "first_submitted_at", "first_decision")
    )
    limit = timedelta(days=days)
    counts: dict[int, list[int]] = {}
    for branch_id, submitted, decided in rows:
        if submitted is None or (decided is None and now - submitted <= limit):
            continue  # still within its days
        tally = counts.setdefault(branch_id, [0, 0])
        tally[0] += decided is not None and decided - submitted <= limit
        tally[1] += 1
    return {branch: (done, total) for branch, (done, total) in counts.items()}


def reviewed_figures(*, year: int) -> list[UnitFigure]:
    counts = reviewed_on_time_by_branch(year=year, now=timezone.now())
    return [
        UnitFigure(unit_id=branch, numerator=done, denominator=total)
        for branch, (done, total) in sorted(counts.items())
    ]
