"""The shape of a de-identified figure a capability hands to oversight (issue 15's facts): one unit of
an institution's tree, one metric, a numerator over a denominator. No names, no member ids: the
figures job publishes these to the public schema, suppressing small denominators."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitFigure:
    unit_id: int
    numerator: int
    denominator: int
