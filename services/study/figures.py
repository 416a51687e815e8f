"""Study's figure for oversight (services/kernel/figures.py): per branch, the members on the roll
who meet the year's study hours (numerator) over the members on the roll (denominator), computed by
the same selector as 各支部学习情况. No names, no member ids."""

from __future__ import annotations

from services.kernel.figures import UnitFigure

from .selectors import all_branch_rows


def unit_figures(*, year: int) -> list[UnitFigure]:
    return [
        UnitFigure(unit_id=row.branch.pk, numerator=row.met, denominator=row.members)
        for row in all_branch_rows(year=year)
        if row.members
    ]
