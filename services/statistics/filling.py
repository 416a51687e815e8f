"""Filling a template from the platform's records, and its cross-table checks.

``tables_fill`` counts every cell of every table for a year at its reporting date: per table, one
aggregate query per source (``COUNT(*) FILTER (WHERE …)`` per cell), so 20,000 members cost the
same few queries as 20. ``checks_run`` compares the sums the edition's checks name, on any cells
(an institution's, or the committee's sums over institutions), and says of every failure which
table, row and column and the two values, in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count as CountAggregate
from django.utils.translation import gettext as _

from .counts import COUNTS, SOURCES, Period, parse_term
from .template import Check, Edition, Table

Cells = dict[str, dict[str, dict[str, int]]]  # table id -> row id -> column id -> count


@dataclass(frozen=True)
class CheckResult:
    check: Check
    row: str  # the row id it was repeated for ("" when not repeated)
    left: int
    right: int
    passed: bool
    message: str  # what failed, where, and the two values ("" when passed)


@dataclass(frozen=True)
class Filled:
    edition: Edition
    year: int
    on: date
    cells: Cells
    checks: list[CheckResult]

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    @property
    def passed(self) -> bool:
        return not self.failures


def reporting_date(year: int) -> date:
    return date(year, 12, 31)


def _fill_table(table: Table, period: Period) -> dict[str, dict[str, int]]:
    values: dict[str, dict[str, int]] = {row.id: {} for row in table.rows}
    by_source: dict[str, dict[str, tuple[str, str, tuple[str, ...]]]] = {}
    for row in table.rows:
        for column in table.columns:
            terms = (*column.terms, *row.terms)
            count = COUNTS[parse_term(terms[0])[0]]
            if count.compute is not None:
                values[row.id][column.id] = count.compute(period)
                continue
            by_source.setdefault(count.source, {})[f"c{len(by_source.get(count.source, {}))}"] = (
                row.id, column.id, terms,
            )  # fmt: skip
    for source, cells in by_source.items():
        aggregates = {}
        for alias, (_row, _column, terms) in cells.items():
            condition = None
            for term in terms:
                key, value = parse_term(term)
                q = COUNTS[key].q(period, value)  # type: ignore[misc]
                condition = q if condition is None else condition & q
            aggregates[alias] = CountAggregate("pk", filter=condition)
        result = SOURCES[source](period).aggregate(**aggregates)
        for alias, (row_id, column_id, _terms) in cells.items():
            values[row_id][column_id] = int(result[alias] or 0)
    return values


def tables_fill(*, edition: Edition, year: int, on: date | None = None) -> Filled:
    """Every table of ``edition`` for ``year`` at ``on`` (31 December by default), and its checks.
    Runs inside the institution's schema."""
    period = Period(year=year, on=on or reporting_date(year))
    cells = {table.id: _fill_table(table, period) for table in edition.tables}
    checks = checks_run(edition=edition, cells=cells)
    return Filled(edition=edition, year=year, on=period.on, cells=cells, checks=checks)


def _describe(edition: Edition, refs: list[str]) -> str:
    """'表1“党员数量及构成”“合计”行“男”列' for one cell; for several, the columns of one row are
    listed together."""
    parts = []
    for ref in refs:
        table_id, row_id, column_id = ref.split("/")
        table = edition.table(table_id)
        parts.append((table, table.row(row_id).label, table.column(column_id).label))
    first_table, first_row = parts[0][0], parts[0][1]
    if all(t is first_table and r == first_row for t, r, _c in parts):
        columns = "、".join(f"“{c}”" for _t, _r, c in parts)
        return _("%(table)s“%(row)s”行%(columns)s列") % {
            "table": first_table.heading, "row": first_row, "columns": columns,
        }  # fmt: skip
    return "、".join(
        _("%(table)s“%(row)s”行“%(column)s”列") % {"table": t.heading, "row": r, "column": c} for t, r, c in parts
    )


def _value(cells: Cells, ref: str) -> int:
    table_id, row_id, column_id = ref.split("/")
    return cells.get(table_id, {}).get(row_id, {}).get(column_id, 0)


def checks_run(*, edition: Edition, cells: Cells) -> list[CheckResult]:
    results = []
    for check in edition.checks:
        rows = [r.id for r in edition.table(check.each_row_of).rows] if check.each_row_of else [""]
        for row in rows:
            left_refs = [ref.replace("{row}", row) for ref in check.left]
            right_refs = [ref.replace("{row}", row) for ref in check.right]
            left = sum(_value(cells, ref) for ref in left_refs)
            right = sum(_value(cells, ref) for ref in right_refs)
            passed = left == right if check.op == "=" else left <= right
            message = ""
            if not passed:
                template = (
                    _("校验“%(check)s”未通过：%(left_where)s%(sum)s为 %(left)s，"
                      "%(right_where)s为 %(right)s，两者应相等。")
                    if check.op == "="
                    else _("校验“%(check)s”未通过：%(left_where)s%(sum)s为 %(left)s，"
                           "超过了%(right_where)s的 %(right)s。")
                )  # fmt: skip
                message = template % {
                    "check": check.label,
                    "left_where": _describe(edition, left_refs),
                    "sum": _("之和") if len(left_refs) > 1 else "",
                    "left": left,
                    "right_where": _describe(edition, right_refs) + (_("之和") if len(right_refs) > 1 else ""),
                    "right": right,
                }
            results.append(CheckResult(check=check, row=row, left=left, right=right, passed=passed, message=message))
    return results


__all__ = ["CheckResult", "Filled", "checks_run", "reporting_date", "tables_fill"]
