"""One institution's drill-down for the dashboards (public schema only): a unit's own facts of a
year and the units one level below it, aggregates only, with the dashboard's suppression."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.organization.models import OrgUnit
from services.organization.scope import ancestor_paths

from .dashboard import ALL, MISSING, TABLE, UNIT_PATH, Cell, cell_of
from .models import UnitFact


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


@dataclass
class Drilldown:
    unit: UnitRow | None  # the unit drilled into (its own totals); None when it has no facts
    children: list[UnitRow]
    trail: list[str]  # the paths from the root unit down to this one


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
    return Drilldown(unit=own, children=children, trail=trail)
