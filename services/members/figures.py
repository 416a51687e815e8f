"""The member counts for oversight (services/kernel/figures.py): per unit, the members on the roll
(every status but transferred out, stopped or deceased: ``status.OFF_ROLL_STATUSES``, the
definition the tree, the notices and the committee's old counts read) and the probationary
members among them. Counts of people, today's (the roll has no history): published for the
current year only. No names, no member ids."""

from __future__ import annotations

from django.db.models import Count, Q

from services.kernel.figures import UnitFigure, shared

from .models import Member
from .status import OFF_ROLL_STATUSES


def _counts() -> list[tuple[int, int, int]]:
    """(unit id, on the roll, probationary): one grouped query."""
    rows = (
        Member.objects.exclude(status__in=OFF_ROLL_STATUSES)
        .order_by()
        .values_list("branch_id")
        .annotate(on_roll=Count("pk"), probationary=Count("pk", filter=Q(status=Member.Status.PROBATIONARY)))
    )
    return sorted(rows)


def on_roll_figures(*, year: int) -> list[UnitFigure]:
    return [UnitFigure(unit_id=u, numerator=n, denominator=n) for u, n, _p in shared("members.counts", _counts)]


def probationary_figures(*, year: int) -> list[UnitFigure]:
    return [UnitFigure(unit_id=u, numerator=p, denominator=p) for u, _n, p in shared("members.counts", _counts)]
