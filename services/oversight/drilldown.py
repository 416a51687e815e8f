"""One institution's drill-down for the dashboards (public schema only): a unit's own facts of a
year and the units one level below it, aggregates only, with the dashboard's suppression."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.organization.models import OrgUnit
from services.organization.scope import ancestor_paths
from services.rules.resolver import INSTITUTION

from .dashboard import ALL, MISSING, TABLE, UNIT_PATH, Cell, cell_of, label
from .models import FactRules, UnitFact


@dataclass
class UnitRow:
    path: str
    kind: str
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return str(dict(OrgUnit.Kind.choices).get(self.kind, self.kind))

    def columns(self, metrics: tuple[str, ...] = TABLE) -> list[Cell]:
        return [self.cells.get(m, MISSING[m]) for m in metrics]

    @property
    def columns_all(self) -> list[Cell]:
        return self.columns(ALL)


@dataclass(frozen=True)
class MetricRules:
    """The rules one metric was computed under: ``FactRules.rules`` entries, which read like a
    ``RuleValue`` to services/rules/display.py (title, value, citation in the reader's language)."""

    metric: str
    rules: list[dict[str, Any]]

    @property
    def label(self) -> str:
        return label(self.metric)

    @property
    def adjusted(self) -> bool:
        """Computed under an adjustment of the institution's own (the committee should know)."""
        return any(rule.get("source") == INSTITUTION for rule in self.rules)


@dataclass
class Drilldown:
    unit: UnitRow | None  # the unit drilled into (its own totals); None when it has no facts
    children: list[UnitRow]
    trail: list[str]  # the paths from the root unit down to this one
    rules: list[MetricRules] = field(default_factory=list)  # what the year's figures were computed under


def drilldown(*, institution_id: int, year: int, unit_path: str = "") -> Drilldown:
    """One institution's unit (its root when ``unit_path`` is empty) and the units one level
    below it, with their facts of ``year`` (one query; the same suppression as the table)."""
    if unit_path and not UNIT_PATH.match(unit_path):
        raise ValueError(unit_path)
    depth = unit_path.count(".") if unit_path else 1
    qs = UnitFact.objects.filter(institution_id=institution_id, period=str(year), metric__in=ALL)
    if unit_path:
        qs = qs.filter(unit_path__startswith=unit_path, depth__in=(depth, depth + 1))
    else:
        qs = qs.filter(depth__in=(1, 2))
    units: dict[str, UnitRow] = {}
    own: UnitRow | None = None
    for row in qs.values("unit_path", "unit_kind", "depth", "metric", "numerator", "denominator", "suppressed"):
        unit = units.setdefault(row["unit_path"], UnitRow(row["unit_path"], row["unit_kind"]))
        unit.cells[row["metric"]] = cell_of(row)
        if row["depth"] == depth:
            own = unit
    children = sorted(
        (u for u in units.values() if u is not own), key=lambda u: [int(p) for p in u.path.rstrip(".").split(".")]
    )
    path = own.path if own is not None else unit_path
    trail = ancestor_paths(path) if path else []
    return Drilldown(unit=own, children=children, trail=trail, rules=rules_of(institution_id=institution_id, year=year))


def rules_of(*, institution_id: int, year: int) -> list[MetricRules]:
    """The rules each shown metric of ``year`` was computed under, in the table's order (one query)."""
    rows = dict(
        FactRules.objects.filter(institution_id=institution_id, period=str(year), metric__in=ALL).values_list(
            "metric", "rules"
        )
    )
    return [MetricRules(m, rows[m]) for m in ALL if rows.get(m)]
