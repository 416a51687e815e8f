"""Dues' figure for oversight (services/kernel/figures.py): per branch, the member-months settled
(paid or reduced in full) over the member-months billed — ``selectors.collection``, the one
definition the collection page, the disclosure and the committee's figure read. Per year, and per
month for the trend. No names, no member ids."""

from __future__ import annotations

from django.utils import timezone

from services.kernel.figures import UnitFigure

from .selectors import Collection, collection


def _figures(rows: list[Collection]) -> list[UnitFigure]:
    return [
        UnitFigure(unit_id=row.unit_id, numerator=row.members_settled, denominator=row.members_billed)
        for row in sorted(rows, key=lambda r: r.unit_id)
        if row.members_billed
    ]


def collected_figures(*, year: int) -> list[UnitFigure]:
    return _figures(collection(year=year))


def collected_by_month(*, year: int) -> dict[int, list[UnitFigure]]:
    """One query per month of the year so far (a month not yet begun has no bills)."""
    today = timezone.localdate()
    last = 12 if year < today.year else today.month if year == today.year else 0
    return {month: _figures(collection(year=year, month=month)) for month in range(1, last + 1)}
