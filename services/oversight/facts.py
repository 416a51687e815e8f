"""The facts the capabilities publish for oversight (docs/oversight.md): per unit and period, a
numerator over a denominator (``services/kernel/figures.py`` ``UnitFigure``), computed by each
metric of ``services/metrics/registry.py`` and written here, de-identified, into the public
``UnitFact`` table.

- **Rollups**: a metric's figures are usually per branch; every unit above gets the sum of the
  raw numerators and denominators of the units in its subtree (before suppression), so the root
  (depth 1) holds the institution's total and each second-level committee its own.
- **Suppression**: a row whose denominator (a count's number) is below ``UnitFact.SMALL_COUNT``
  is published without its numbers when the metric counts people (``Metric.of_people``); counts
  of units (branches, terms) are never suppressed.
- **Periods**: "YYYY" for every metric; "YYYY-MM" as well for the monthly ones; snapshot metrics
  only for the current year.
- **Sign-off per notice**: "documents.signed:<public document id>" for each committee notice of
  the year that asks for signing, with the flags of ``documents.notices_signed``.
- **Rules**: with the facts, the version of every rule each metric was computed under
  (``fact_rules.py``).
- **Writing**: the rows of the year are compared with what is published and only the new and
  changed ones are upserted, the gone ones deleted, in one transaction: a refresh that finds
  nothing new writes nothing (``computed_at`` is when a row's value was last computed differently).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.documents.figures import signed_by_notice
from services.kernel.figures import UnitFigure, figures_run
from services.metrics import registry
from services.metrics.registry import COUNT, Metric
from services.organization.models import OrgUnit
from services.organization.scope import ancestor_paths
from services.standards.figures import score_figures, standardized_figures

from .copying import copy_upsert
from .fact_rules import computed_rules, rules_publish
from .models import UnitFact

SIGNED_PREFIX = "documents.signed:"
BATCH = 2000

Key = tuple[str, str, str]  # metric, period, unit path
Value = tuple[str, int, bool, int | None, int | None]  # kind, depth, suppressed, numerator, denominator


@dataclass
class Tree:
    """Each unit's path and kind, and the paths of the unit and every unit above it."""

    kinds: dict[str, str]
    lines: dict[int, list[str]]

    @classmethod
    def load(cls) -> Tree:
        paths = list(OrgUnit.objects.values_list("pk", "path", "kind"))
        kinds = {path: kind for _pk, path, kind in paths}
        lines = {}
        for pk, path, _kind in paths:
            lines[pk] = ancestor_paths(path)
        return cls(kinds=kinds, lines=lines)


def rolled_up(figures: Iterable[UnitFigure], tree: Tree) -> dict[str, list[int]]:
    """path -> [numerator, denominator]: each figure added to its unit and every unit above it.
    A figure of a unit that is gone is left out."""
    sums: dict[str, list[int]] = {}
    for figure in figures:
        for path in tree.lines.get(figure.unit_id, ()):
            total = sums.get(path)
            if total is None:
                sums[path] = [figure.numerator, figure.denominator]
            else:
                total[0] += figure.numerator
                total[1] += figure.denominator
    return sums


def fact_value(metric: Metric, kind: str, path: str, numerator: int, denominator: int) -> Value:
    """What is published of one unit's sums: a count keeps only its number (denominator NULL);
    a small count of people is suppressed."""
    counted = numerator if metric.kind == COUNT else denominator
    if metric.of_people and counted < UnitFact.SMALL_COUNT:
        return (kind, path.count("."), True, None, None)
    return (kind, path.count("."), False, numerator, None if metric.kind == COUNT else denominator)


# The standardization results (services/standards): published like the metrics, but not in their
# registry, which sits below standardization (its evidence reads the registry). Branch results,
# not people: never suppressed as small counts. The score is points in tenths over the maximum.
SCORES: dict[str, Metric] = {
    "standards.score": Metric(_("标准化得分率"), score_figures, of_people=False),
    "standards.standardized": Metric(_("标准化支部占比"), standardized_figures, of_people=False),
}


def computed_facts(*, year: int, tree: Tree, current_year: int) -> tuple[dict[Key, Value], set[str]]:
    """Every fact of ``year`` (each metric's year, its months, each notice's sign-off), and the
    metrics left alone (the snapshots, for a past year)."""
    facts: dict[Key, Value] = {}
    kept: set[str] = set()

    def add(name: str, metric: Metric, period: str, figures: Iterable[UnitFigure]) -> None:
        for path, (numerator, denominator) in rolled_up(figures, tree).items():
            facts[(name, period, path)] = fact_value(metric, tree.kinds[path], path, numerator, denominator)

    with figures_run():
        for name, metric in {**registry.METRICS, **SCORES}.items():
            if metric.snapshot and year != current_year:
                kept.add(name)
                continue
            add(name, metric, str(year), metric.compute(year=year))
            if metric.monthly is not None:
                for month, figures in metric.monthly(year=year).items():
                    add(name, metric, f"{year}-{month:02d}", figures)
        signed = registry.METRICS.get("documents.notices_signed")
        if signed is not None:
            for notice, figures in signed_by_notice(year=year).items():
                add(f"{SIGNED_PREFIX}{notice}", signed, str(year), figures)
    return facts, kept


def unit_facts_publish(*, institution: Any, year: int | None = None, now: datetime | None = None) -> int:
    """Run inside the institution's schema: every fact of ``year`` (this year by default), in
    place of what this institution published for that year (its months included). Returns the
    number of facts the year now has; writes only the rows that changed."""
    now = now or timezone.now()
    current_year = timezone.localdate().year
    year = year or current_year
    facts, kept = computed_facts(year=year, tree=Tree.load(), current_year=current_year)
    mine = UnitFact.objects.filter(institution_id=institution.pk, period__startswith=str(year))
    published = {
        (metric, period, path): (pk, (kind, depth, suppressed, numerator, denominator))
        for pk, metric, period, path, kind, depth, suppressed, numerator, denominator in mine.values_list(
            "pk", "metric", "period", "unit_path", "unit_kind", "depth", "suppressed", "numerator", "denominator"
        )
    }
    gone = [pk for key, (pk, _value) in published.items() if key not in facts and key[0] not in kept]
    changed = [
        (institution.pk, metric, period, path, *value, now)
        for (metric, period, path), value in facts.items()
        if (metric, period, path) not in published or published[(metric, period, path)][1] != value
    ]
    rules = computed_rules({**registry.METRICS, **SCORES}, {(metric, period) for metric, period, _path in facts})
    with transaction.atomic():
        for first in range(0, len(gone), BATCH):
            UnitFact.objects.filter(pk__in=gone[first : first + BATCH]).delete()
        _upsert(changed)
        rules_publish(institution_id=institution.pk, year=year, found=rules, kept=kept, now=now)
    return len(facts) + sum(1 for key in published if key[0] in kept)


COLUMNS = (
    "institution_id",
    "metric",
    "period",
    "unit_path",
    "unit_kind",
    "depth",
    "suppressed",
    "numerator",
    "denominator",
    "computed_at",
)


def _upsert(rows: list[tuple[Any, ...]]) -> None:
    """Plain tuples, copied and merged in one statement (``copying.py``): a model instance per
    fact, or the ORM's per-value preparation, would cost more than the writing."""
    copy_upsert(UnitFact, columns=COLUMNS, keys=COLUMNS[:4], rows=rows)
