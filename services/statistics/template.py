"""Year templates of the annual tables (党内统计, docs/statistics.md): versioned data, one JSON file
per edition in ``editions/`` (the national table set changes between editions, the code does not).

An edition has an id, the years it applies to, its tables and its cross-table checks. A table has
rows and columns; each cell counts what its column's count terms and its row's ``where`` terms
name together — keys of the count registry (counts.py), such as ``members.on_roll`` and
``members.category=student``. A column may carry a ``group``: consecutive columns of one group
share a merged header cell in the export. A check compares two sums of cells ("t1/total/male"),
``=`` or ``<=``; ``each_row_of`` repeats it for every row of that table (``{row}`` in the refs).

A template is checked when it is loaded: an unknown count key, a cell reference to a table, row or
column that does not exist, or terms of two sources in one cell is a ``TemplateError`` naming the
edition and the place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from .counts import COUNTS, parse_term

EDITIONS_DIR = Path(__file__).parent / "editions"


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class Line:
    id: str
    label: str
    terms: tuple[str, ...]
    group: str = ""


@dataclass(frozen=True)
class Table:
    id: str
    number: str
    title: str
    rows: tuple[Line, ...]
    columns: tuple[Line, ...]

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}"

    def row(self, row_id: str) -> Line:
        return next(r for r in self.rows if r.id == row_id)

    def column(self, column_id: str) -> Line:
        return next(c for c in self.columns if c.id == column_id)

    @property
    def has_groups(self) -> bool:
        return any(c.group for c in self.columns)


@dataclass(frozen=True)
class Check:
    id: str
    label: str
    left: tuple[str, ...]
    op: str
    right: tuple[str, ...]
    each_row_of: str = ""


@dataclass(frozen=True)
class Edition:
    id: str
    title: str
    first_year: int
    last_year: int
    tables: tuple[Table, ...]
    checks: tuple[Check, ...]

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


def _line(raw: dict[str, Any], key: str) -> Line:
    terms = raw.get(key, [])
    return Line(id=raw["id"], label=raw["label"], terms=tuple(terms), group=raw.get("group", ""))


def edition_from_data(data: dict[str, Any]) -> Edition:
    """An ``Edition`` from its JSON data, validated (``TemplateError`` with a Chinese message)."""
    try:
        edition = Edition(
            id=data["edition"],
            title=data["title"],
            first_year=int(data["first_year"]),
            last_year=int(data["last_year"]),
            tables=tuple(
                Table(
                    id=t["id"],
                    number=t["number"],
                    title=t["title"],
                    rows=tuple(_line(r, "where") for r in t["rows"]),
                    columns=tuple(_line(c, "count") for c in t["columns"]),
                )
                for t in data["tables"]
            ),
            checks=tuple(
                Check(
                    id=c["id"],
                    label=c["label"],
                    left=tuple(c["left"]),
                    op=c["op"],
                    right=tuple(c["right"]),
                    each_row_of=c.get("each_row_of", ""),
                )
                for c in data.get("checks", [])
            ),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise TemplateError(
            _("统计模板“%(edition)s”格式不正确：缺少或错误的字段 %(field)s。")
            % {"edition": data.get("edition", "?") if isinstance(data, dict) else "?", "field": error}
        ) from None
    _validate(edition)
    return edition


def _validate(edition: Edition) -> None:
    where = {"edition": edition.id}
    for table in edition.tables:
        for row in table.rows:
            for column in table.columns:
                terms = (*column.terms, *row.terms)
                if not column.terms:
                    raise TemplateError(
                        _("统计模板“%(edition)s”%(table)s“%(column)s”列没有指定统计口径。")
                        % {**where, "table": table.heading, "column": column.label}
                    )
                sources = set()
                for term in terms:
                    key, value = parse_term(term)
                    count = COUNTS.get(key)
                    if (
                        count is None
                        or (value is None) != (count.values is None)
                        or (count.values is not None and value not in count.values)
                    ):
                        raise TemplateError(
                            _("统计模板“%(edition)s”%(table)s“%(row)s”行“%(column)s”列的统计口径“%(term)s”不存在。")
                            % {**where, "table": table.heading, "row": row.label, "column": column.label, "term": term}
                        )
                    sources.add(count.source)
                if len(sources) > 1 or (COUNTS[parse_term(terms[0])[0]].q is None and len(terms) > 1):
                    raise TemplateError(
                        _("统计模板“%(edition)s”%(table)s“%(row)s”行“%(column)s”列的统计口径不能组合：%(terms)s。")
                        % {**where, "table": table.heading, "row": row.label, "column": column.label,
                           "terms": "、".join(terms)}
                    )  # fmt: skip
    for check in edition.checks:
        if check.op not in ("=", "<="):
            raise TemplateError(
                _("统计模板“%(edition)s”的校验“%(check)s”的比较符“%(op)s”无效（只能是 = 或 <=）。")
                % {**where, "check": check.label, "op": check.op}
            )
        for ref in expand_refs(edition, check):
            _resolve(edition, ref, check)


def expand_refs(edition: Edition, check: Check) -> list[str]:
    rows = [r.id for r in _table(edition, check.each_row_of, check).rows] if check.each_row_of else [""]
    return [ref.replace("{row}", row) for row in rows for ref in (*check.left, *check.right)]


def _table(edition: Edition, table_id: str, check: Check) -> Table:
    for table in edition.tables:
        if table.id == table_id:
            return table
    raise TemplateError(
        _("统计模板“%(edition)s”的校验“%(check)s”引用的表“%(table)s”不存在。")
        % {"edition": edition.id, "check": check.label, "table": table_id}
    )


def _resolve(edition: Edition, ref: str, check: Check) -> tuple[Table, Line, Line]:
    parts = ref.split("/")
    if len(parts) != 3:
        raise TemplateError(
            _("统计模板“%(edition)s”的校验“%(check)s”的单元格“%(ref)s”应写作“表/行/列”。")
            % {"edition": edition.id, "check": check.label, "ref": ref}
        )
    table = _table(edition, parts[0], check)
    row = next((r for r in table.rows if r.id == parts[1]), None)
    column = next((c for c in table.columns if c.id == parts[2]), None)
    if row is None or column is None:
        raise TemplateError(
            _("统计模板“%(edition)s”的校验“%(check)s”引用的单元格“%(ref)s”在%(table)s中不存在。")
            % {"edition": edition.id, "check": check.label, "ref": ref, "table": table.heading}
        )
    return table, row, column


@cache
def editions() -> tuple[Edition, ...]:
    """Every edition shipped with the app, oldest first."""
    found = []
    for path in sorted(EDITIONS_DIR.glob("*.json")):
        found.append(edition_from_data(json.loads(path.read_text(encoding="utf-8"))))
    return tuple(sorted(found, key=lambda e: e.first_year))


def edition_for(year: int) -> Edition:
    """The edition that applies to ``year``; ``TemplateError`` when none does."""
    for edition in reversed(editions()):
        if edition.covers(year):
            return edition
    raise TemplateError(_("%(year)s 年度没有适用的统计模板。") % {"year": year})
