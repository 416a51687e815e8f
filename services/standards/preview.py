"""A draft or published system scored against one institution's de-identified facts (the
committee's preview, issue 15): each branch, named by its path of ids, scored from its metrics
only. Documents and links live in the institution and never reach the committee, so evidence
points score as missing here; the preview says so."""

from __future__ import annotations

from dataclasses import dataclass

from . import scoring, selectors
from .models import IndicatorSystem
from .scoring import Figure


@dataclass(frozen=True)
class BranchPreview:
    unit_path: str
    result: scoring.Result


def preview(system: IndicatorSystem, *, facts: dict[str, dict[str, Figure]]) -> list[BranchPreview]:
    """``facts``: unit path → metric → figure (``Figure(known=False)`` for a suppressed one)."""
    spec = selectors.spec(system)
    return [
        BranchPreview(path, scoring.score(spec, provided=set(), figures=dict(figures)))
        for path, figures in sorted(facts.items())
    ]
