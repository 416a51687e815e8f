"""Reads of the annual tables: an institution's own (filled on demand from its records) and the
committee's sum over the institutions' published counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from .filling import Cells, CheckResult, checks_run
from .models import PublishedTables
from .template import Edition


def can_see_tables(*, acting_user: object) -> bool:
    """The institution's tables are its administrators' (the whole institution's counts)."""
    from services.organization.scope import scope_for

    return bool(getattr(acting_user, "is_authenticated", False)) and scope_for(acting_user).everything


@dataclass(frozen=True)
class Summed:
    edition: Edition
    year: int
    cells: Cells
    checks: list[CheckResult]
    institutions: int
    not_passing: int  # institutions whose own checks failed
    latest: datetime | None

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]


def add_cells(total: Cells, cells: Cells) -> None:
    for table_id, rows in cells.items():
        for row_id, columns in rows.items():
            target = total.setdefault(table_id, {}).setdefault(row_id, {})
            for column_id, value in columns.items():
                target[column_id] = target.get(column_id, 0) + int(value)


def committee_sum(*, edition: Edition, year: int, kinds: Iterable[str] = (), region: str = "") -> Summed:
    """The sum of the published tables of ``year`` (of ``edition``) over the active institutions,
    optionally of some kinds or one region, and the edition's checks on the sums."""
    rows = PublishedTables.objects.filter(year=year, edition=edition.id, institution__status="active")
    kinds = list(kinds)
    if kinds:
        rows = rows.filter(institution__kind__in=kinds)
    if region:
        rows = rows.filter(Q(institution__region=region))
    total: Cells = {}
    count = failing = 0
    latest = None
    for cells, passed, computed_at in rows.values_list("cells", "checks_passed", "computed_at"):
        add_cells(total, cells)
        count += 1
        failing += 0 if passed else 1
        latest = computed_at if latest is None or computed_at > latest else latest
    return Summed(
        edition=edition,
        year=year,
        cells=total,
        checks=checks_run(edition=edition, cells=total),
        institutions=count,
        not_passing=failing,
        latest=latest,
    )
