"""The published results of standardization for oversight (issue 15's facts): per branch and
year, from the assessments the institution has made final — no names, only numbers.

- "standards.score": numerator the final score in tenths of a point, denominator the maximum in
  tenths (so 87.5 of 100 is 875 / 1000);
- "standards.standardized": 1 of 1 when the branch is a standardized branch (标准化支部), 0 of 1
  when not.
"""

from __future__ import annotations

from decimal import Decimal

from services.kernel.figures import UnitFigure, shared

from .models import Assessment

TEN = Decimal(10)


def _final(year: int) -> list[Assessment]:
    """The year's final assessments, read once per figures run (both metrics use them)."""
    return shared(
        ("standards.final", year),
        lambda: list(
            Assessment.objects.filter(year=year, status=Assessment.Status.FINAL, score__isnull=False, maximum__gt=0)
        ),
    )


def score_figures(*, year: int) -> list[UnitFigure]:
    return [UnitFigure(a.unit_id, int(a.score * TEN), int(a.maximum * TEN)) for a in _final(year)]  # type: ignore[operator]


def standardized_figures(*, year: int) -> list[UnitFigure]:
    return [UnitFigure(a.unit_id, 1 if a.standardized else 0, 1) for a in _final(year)]
