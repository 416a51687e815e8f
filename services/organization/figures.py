"""The organization's figures for oversight (services/kernel/figures.py), from the tree's one
selector (``selectors.org_tree``) and its structural warnings (``warnings.unit_warnings``, the
rules ``branch.*`` and ``term.*``), so the tree page and the committee never disagree:

- ``committee_in_place``: of the open branches with at least ``branch.committee_threshold`` (7)
  full members, those with a committee (no ``committee_missing`` warning);
- ``size_ok``: of the open branches, those within ``branch.min_full_members`` and
  ``branch.max_members`` (no ``branch_too_small`` / ``branch_too_large`` warning);
- ``terms_on_time``: of the terms of open units that ended in the year by today, those followed
  by a new term that began by the day the old one ended (counted at the unit whose term it is);
- ``branches``: the open branches (a count: one per branch).

These count units, not people. The tree has no history: the counts are today's, so they are
published for the current year only (a snapshot). No names, no member ids.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils import timezone

from services.kernel.figures import UnitFigure, shared

from .models import OrgUnit, Term
from .selectors import TreeUnit, org_tree
from .warnings import BRANCH_TOO_LARGE, BRANCH_TOO_SMALL, COMMITTEE_MISSING, unit_warnings, warning_rules


def _branches(day: date) -> list[tuple[TreeUnit, set[str]]]:
    def load() -> list[tuple[TreeUnit, set[str]]]:
        rules = warning_rules(on=day)
        tree = [entry for entry in org_tree(on=day) if entry.unit.kind == OrgUnit.Kind.BRANCH]
        return [(entry, {w.code for w in unit_warnings(entry, today=day, rules=rules)}) for entry in tree]

    return shared(("organization.branches", day), load)


def _day(year: int) -> date:
    return min(timezone.localdate(), date(year, 12, 31))


def committee_figures(*, year: int) -> list[UnitFigure]:
    day = _day(year)
    threshold = warning_rules(on=day)["org.branch.committee_from_full_members"].number
    return [
        UnitFigure(unit_id=entry.pk, numerator=int(COMMITTEE_MISSING not in codes), denominator=1)
        for entry, codes in _branches(day)
        if entry.full_member_count >= threshold
    ]


def size_figures(*, year: int) -> list[UnitFigure]:
    return [
        UnitFigure(unit_id=entry.pk, numerator=int(not codes & {BRANCH_TOO_SMALL, BRANCH_TOO_LARGE}), denominator=1)
        for entry, codes in _branches(_day(year))
    ]


def branch_count_figures(*, year: int) -> list[UnitFigure]:
    return [UnitFigure(unit_id=entry.pk, numerator=1, denominator=1) for entry, _codes in _branches(_day(year))]


def terms_figures(*, year: int) -> list[UnitFigure]:
    """One query: every term of the open units, in order per unit."""
    today = timezone.localdate()
    terms = defaultdict(list)
    for unit_id, started_on, ends_on in (
        Term.objects.filter(unit__closed_on__isnull=True).order_by("unit_id", "started_on", "id")
    ).values_list("unit_id", "started_on", "ends_on"):
        terms[unit_id].append((started_on, ends_on))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for unit_id, rows in terms.items():
        for index, (_started, ends_on) in enumerate(rows):
            if ends_on.year != year or ends_on > today:
                continue
            renewed = any(started <= ends_on for started, _e in rows[index + 1 :])
            counts[unit_id][0] += renewed
            counts[unit_id][1] += 1
    return [UnitFigure(unit_id=u, numerator=n, denominator=d) for u, (n, d) in sorted(counts.items())]
