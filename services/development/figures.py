"""Development's figure for oversight (services/kernel/figures.py): per branch, the stage moves
of the year (to activist, development target, probationary and full member, on the date each
decision or meeting took place) that kept the rules, over all of them.

A move kept the rules when every guard of it (``guards.guards_for``, the one definition the
dossier page, the board and the services enforce) passes when read again on the move's date, and
none of those guards rests on a value this institution overrode (``rule_overrides``: the rule
was kept only by changing it). Blocking guards cannot fail at a move, so what this counts is the
non-blocking ones (a late talk, an assessment missed) and overrides. No names, no member ids.

Rules are resolved once per date on which one of them changed, not once per move, so the queries
stay a handful whatever the number of dossiers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q

from services.kernel.figures import UnitFigure
from services.rule_overrides.models import RuleOverride
from services.rules.models import StandardRule
from services.rules.resolver import INSTITUTION, RuleValue

from . import guards as g
from .guard_base import RULE_KEYS
from .models import Dossier, Stage
from .selectors import with_guard_data

# The stage a dossier moved into, and the field holding the date it did.
MOVES: tuple[tuple[str, str], ...] = (
    (Stage.ACTIVIST, "activist_on"),
    (Stage.TARGET, "target_on"),
    (Stage.PROBATIONARY, "admitted_on"),
    (Stage.FULL, "confirmed_on"),
)


class ChangeAwareRuleBook(g.RuleBook):
    """A rule book resolving a date as the latest date on or before it on which any of the
    guards' rules changed: the same answer as resolving the date itself, at two queries per
    change instead of two per date."""

    def __init__(self) -> None:
        super().__init__()
        standard = StandardRule.objects.filter(key__in=RULE_KEYS).values_list("effective_from", flat=True)
        local = RuleOverride.objects.filter(key__in=RULE_KEYS).values_list("effective_from", flat=True)
        self.changes = sorted(set(standard) | set(local))

    def __call__(self, key: str, on: date) -> RuleValue:
        anchor = max((day for day in self.changes if day <= on), default=on)
        return super().__call__(key, anchor)


def moves_by_branch(*, year: int) -> dict[int, tuple[int, int]]:
    """branch id -> (moves of ``year`` that kept the rules, all moves of ``year``)."""
    in_year = Q()
    for _stage, field in MOVES:
        in_year |= Q(**{f"{field}__year": year})
    dossiers = with_guard_data(Dossier.objects.filter(in_year).order_by())
    book = ChangeAwareRuleBook()
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for dossier in dossiers:
        for stage, field in MOVES:
            on = getattr(dossier, field)
            if on is None or on.year != year:
                continue
            guards = g.guards_for(dossier, to_stage=stage, on=on, today=on, rules=book)
            kept = all(guard.passed for guard in guards) and not any(
                guard.rule_key and book(guard.rule_key, on).source == INSTITUTION for guard in guards
            )
            counts[dossier.branch_id][0] += kept
            counts[dossier.branch_id][1] += 1
    return {branch: (kept, total) for branch, (kept, total) in counts.items()}


def rules_kept_figures(*, year: int) -> list[UnitFigure]:
    return [
        UnitFigure(unit_id=branch, numerator=kept, denominator=total)
        for branch, (kept, total) in sorted(moves_by_branch(year=year).items())
    ]
