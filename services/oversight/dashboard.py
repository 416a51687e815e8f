"""The committee's dashboard (issue 15): reads of the public ``UnitFact`` table only, never an
institution's schema, so that a page over 3,000 institutions is a handful of queries.

- the school table: one row per active institution from its root unit's facts (depth 1) of a
  year, filtered by type and region, paginated and sorted in SQL (three queries a page);
- the groups: sums by type or by region of the same facts (one query), the totals from them;
- the trends: the monthly facts ("YYYY-MM") summed per month (one query);
- the drill-down: one institution's units one level below a unit path (one query).

A cell is a numerator over a denominator; a suppressed fact (too few people behind it) has
neither and shows as "< 5", and sums leave it out (they say how many they left out). Rankings
(an order by an indicator, with rank numbers) are the caller's choice: the console offers them only
where the committee has turned them on (console/models.py ``DashboardSettings``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, F, FloatField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Cast, NullIf
from django.utils.translation import gettext_lazy as _

from services.metrics import registry
from tenants.models import Institution

from .facts import SCORES
from .models import UnitFact

# Counts: the numerator is the figure (the facts job leaves the denominator empty).
COUNTS = ("members.on_roll", "members.probationary", "organization.branches")
# Rates: a percent of numerator over denominator.
RATES = (
    "development.rules_kept",
    "orglife.held",
    "dues.collected",
    "study.hours_met",
    "exams.took_part",
    "thought_reports.on_time",
    "thought_reports.reviewed_on_time",
    "organization.committee_in_place",
    "organization.terms_on_time",
    "organization.size_ok",
    "documents.notices_signed",
    "standards.score",
    "standards.standardized",
)
# The school table's columns, in order: members, development, meetings, dues, study, standards.
TABLE = (
    "members.on_roll",
    "members.probationary",
    "organization.branches",
    "development.rules_kept",
    "orglife.held",
    "dues.collected",
    "study.hours_met",
    "standards.score",
    "standards.standardized",
)
MONTHLY = ("orglife.held", "dues.collected")
ALL = COUNTS + RATES

SUPPRESSED = f"< {UnitFact.SMALL_COUNT}"
SORTS = ("code", "name", "kind", "region")
PER_PAGE = 50
UNIT_PATH = re.compile(r"^(\d+\.){1,12}$")


def label(metric: str) -> str:
    """The metric's label: the registry's, the standardization results' (published beside the
    registry's metrics), else its own name, so that a fact of a metric no longer listed still shows."""
    known = registry.METRICS.get(metric) or SCORES.get(metric)
    return str(known.label) if known is not None else metric


@dataclass(frozen=True)
class Cell:
    metric: str
    numerator: int | None = None
    denominator: int | None = None
    suppressed: bool = False
    hidden: int = 0  # in a sum: the suppressed facts it left out
    present: bool = True

    @cached_property
    def value(self) -> int | None:
        """The count, or the percent (rounded); None when suppressed or missing."""
        if self.suppressed or self.numerator is None:
            return None
        if self.metric in COUNTS:
            return self.numerator
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator)

    @cached_property
    def text(self) -> str:
        if self.suppressed:
            return SUPPRESSED
        value = self.value
        if value is None:
            return "—"
        return str(value) if self.metric in COUNTS else f"{value}%"

    @property
    def band(self) -> str:
        """The heat map's colour class: a tenth of the percent, "s" suppressed, "n" none."""
        if self.suppressed:
            return "s"
        value = self.value
        return "n" if value is None or self.metric in COUNTS else str(min(value, 100) // 10)

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "value": self.value,
            "text": self.text,
            "suppressed": self.suppressed,
            "numerator": None if self.suppressed else self.numerator,
            "denominator": None if self.suppressed else self.denominator,
        }


MISSING = {m: Cell(m, present=False) for m in ALL}


def cell_of(row: Mapping[str, Any]) -> Cell:
    return Cell(row["metric"], row["numerator"], row["denominator"], row["suppressed"])


def _sum_cell(metric: str, row: Mapping[str, Any]) -> Cell:
    return Cell(metric, row["n"], row["d"], hidden=row["hidden"], suppressed=row["n"] is None and row["hidden"] > 0)


@dataclass(frozen=True)
class Filters:
    year: int
    kind: str = ""
    region: str = ""

    @property
    def period(self) -> str:
        return str(self.year)

    def institutions(self) -> QuerySet[Institution]:
        qs = Institution.objects.filter(status=Institution.Status.ACTIVE)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.region:
            qs = qs.filter(region=self.region)
        return qs

    def facts(self, periods: list[str] | None = None) -> QuerySet[UnitFact]:
        qs = UnitFact.objects.filter(depth=1, institution__status=Institution.Status.ACTIVE)
        qs = qs.filter(period__in=periods) if periods else qs.filter(period=self.period)
        if self.kind:
            qs = qs.filter(institution__kind=self.kind)
        if self.region:
            qs = qs.filter(institution__region=self.region)
        return qs


@dataclass
class SchoolRow:
    institution: Institution
    cells: dict[str, Cell]
    rank: int | None = None

    def columns(self, metrics: tuple[str, ...] = TABLE) -> list[Cell]:
        return [self.cells.get(m, MISSING[m]) for m in metrics]


@dataclass
class SchoolPage:
    rows: list[SchoolRow]
    total: int
    page: int
    pages: int
    sort: str
    ranked: bool


def sort_keys(*, rankings: bool) -> tuple[str, ...]:
    """What the table may be ordered by: names always; the indicators only with rankings on."""
    return SORTS + (ALL if rankings else ())


def _order(qs: QuerySet[Institution], filters: Filters, sort: str) -> QuerySet[Institution]:
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    if key in SORTS:
        return qs.order_by(sort, "code")
    fact = UnitFact.objects.filter(institution=OuterRef("pk"), period=filters.period, depth=1, metric=key)
    value: Any
    if key in COUNTS:
        value = fact.values("numerator")[:1]
    else:
        ratio = Cast(F("numerator"), FloatField()) / NullIf(Cast(F("denominator"), FloatField()), 0.0)
        value = fact.annotate(ratio=ratio).values("ratio")[:1]
    qs = qs.annotate(sort_value=Subquery(value, output_field=FloatField()))
    expression = F("sort_value").desc(nulls_last=True) if descending else F("sort_value").asc(nulls_last=True)
    return qs.order_by(expression, "code")


def school_table(
    *, filters: Filters, sort: str = "code", page: int = 1, per_page: int = PER_PAGE, rankings: bool = False
) -> SchoolPage:
    """One page of the school table (three queries: the count, the page, its facts). Ordered by
    ``sort`` (a key of ``sort_keys``, "-" for descending; anything else falls back to the code);
    an order by an indicator numbers the rows (ranks) and is refused unless ``rankings``."""
    if sort.lstrip("-") not in sort_keys(rankings=rankings):
        sort = "code"
    institutions = filters.institutions()
    total = institutions.count()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    offset = (page - 1) * per_page
    chosen = list(_order(institutions, filters, sort)[offset : offset + per_page])
    cells: dict[int, dict[str, Cell]] = {inst.pk: {} for inst in chosen}
    for row in UnitFact.objects.filter(
        institution_id__in=list(cells), period=filters.period, depth=1, metric__in=ALL
    ).values("institution_id", "metric", "numerator", "denominator", "suppressed"):
        cells[row["institution_id"]][row["metric"]] = cell_of(row)
    ranked = sort.lstrip("-") in ALL
    rows = [SchoolRow(inst, cells[inst.pk], rank=offset + i + 1 if ranked else None) for i, inst in enumerate(chosen)]
    return SchoolPage(rows=rows, total=total, page=page, pages=pages, sort=sort, ranked=ranked)


@dataclass
class GroupRow:
    key: str
    label: str
    cells: dict[str, Cell] = field(default_factory=dict)

    def columns(self, metrics: tuple[str, ...] = TABLE) -> list[Cell]:
        return [self.cells.get(m, MISSING[m]) for m in metrics]


def _sums(qs: QuerySet[UnitFact], *by: str, metrics: tuple[str, ...] = ALL) -> list[dict[str, Any]]:
    # Counting "suppressed", not the key: every column read is in the root units' covering index
    # (migrations/0007_dashboard_root_facts.py), so the sums never touch the table.
    return list(
        qs.filter(metric__in=metrics)
        .values(*by, "metric")
        .annotate(n=Sum("numerator"), d=Sum("denominator"), hidden=Count("suppressed", filter=Q(suppressed=True)))
        .order_by()
    )


def groups(*, filters: Filters, by: str = "kind") -> list[GroupRow]:
    """The facts of the institutions' root units summed by type ("kind") or by region (one
    query). A group's percent is its sums' ratio: the suppressed facts are left out of it."""
    column = "institution__kind" if by == "kind" else "institution__region"
    kinds = dict(Institution.Kind.choices)
    rows: dict[str, GroupRow] = {}
    for row in _sums(filters.facts(), column):
        key = row[column] or ""
        name = str(kinds.get(key, key)) if by == "kind" else (key or str(_("未填地区")))
        group = rows.setdefault(key, GroupRow(key, name))
        group.cells[row["metric"]] = _sum_cell(row["metric"], row)
    return sorted(rows.values(), key=lambda g: g.key)


def totals(group_rows: list[GroupRow]) -> GroupRow:
    """The sum of the groups (no query)."""
    total = GroupRow("", str(_("合计")))
    for metric in ALL:
        cells = [g.cells[metric] for g in group_rows if metric in g.cells]
        if not cells:
            continue
        numerators = [c.numerator for c in cells if c.numerator is not None]
        denominators = [c.denominator for c in cells if c.denominator is not None]
        total.cells[metric] = Cell(
            metric,
            sum(numerators) if numerators else None,
            sum(denominators) if denominators else None,
            suppressed=not numerators and any(c.hidden for c in cells),
            hidden=sum(c.hidden for c in cells),
        )
    return total


def trends(*, filters: Filters) -> dict[str, list[Cell]]:
    """Each monthly metric's sum over the institutions, month by month of the year (one query)."""
    months = [f"{filters.year}-{m:02d}" for m in range(1, 13)]
    found = {(row["period"], row["metric"]): row for row in _sums(filters.facts(months), "period", metrics=MONTHLY)}
    return {
        metric: [
            _sum_cell(metric, found[(month, metric)]) if (month, metric) in found else MISSING[metric]
            for month in months
        ]
        for metric in MONTHLY
    }


def regions() -> list[str]:
    """The regions of the active institutions, for the filter (one query)."""
    return list(
        Institution.objects.filter(status=Institution.Status.ACTIVE)
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )


def home_totals(*, year: int) -> dict[str, int] | None:
    """The console home's totals from the root units' count facts of ``year``, or of the year
    before when this one has none yet (one query); None when no institution has published them."""
    found: dict[str, dict[str, int]] = {}
    for period, metric, n in (
        UnitFact.objects.filter(
            depth=1,
            metric__in=COUNTS,
            period__in=(str(year), str(year - 1)),
            institution__status=Institution.Status.ACTIVE,
        )
        .values("period", "metric")
        .annotate(n=Sum("numerator"))
        .order_by()
        .values_list("period", "metric", "n")
    ):
        found.setdefault(period, {})[metric] = n or 0
    sums = found.get(str(year)) or found.get(str(year - 1))
    if sums is None:
        return None
    return {
        "members": sums.get("members.on_roll", 0),
        "probationary": sums.get("members.probationary", 0),
        "branches": sums.get("organization.branches", 0),
    }
