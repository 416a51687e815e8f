"""Dues' figure for oversight (services/kernel/figures.py): per branch, the member-months settled
(paid or reduced in full) over the member-months billed — ``selectors.collection``, the one
definition the collection page, the disclosure and the committee's figure read. Per month for the trend
(one statement for the year), and per year as the sum of its months. No names, no member ids."""

from __future__ import annotations

from collections import defaultdict

from services.kernel.figures import UnitFigure, shared

from .selectors import Collection, collection_by_month


def _figures(rows: list[Collection]) -> list[UnitFigure]:
    return [
        UnitFigure(unit_id=row.unit_id, numerator=row.members_settled, denominator=row.members_billed)
        for row in sorted(rows, key=lambda r: r.unit_id)
        if row.members_billed
    ]


def months_of(year: int) -> dict[int, list[Collection]]:
    """Every month's collection of ``year``, once per figures run (one statement)."""
    return shared(("dues.collection_by_month", year), lambda: collection_by_month(year=year))


def collected_figures(*, year: int) -> list[UnitFigure]:
    """The year's figure: the sum of its months (every count is per member-month)."""
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for rows in months_of(year).values():
        for row in rows:
            sums[row.unit_id][0] += row.members_settled
            sums[row.unit_id][1] += row.members_billed
    return [UnitFigure(unit_id=u, numerator=n, denominator=d) for u, (n, d) in sorted(sums.items()) if d]


def collected_by_month(*, year: int) -> dict[int, list[UnitFigure]]:
    return {month: _figures(rows) for month, rows in months_of(year).items()}
