"""The tables as a page shows them: the same headers as the export (a column group is one header
cell over its columns, an ungrouped column's label spans both header rows), then the numbers."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from .filling import Cells
from .template import Edition


@dataclass(frozen=True)
class Header:
    label: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class ShownTable:
    id: str
    heading: str
    top: list[Header]  # the first header row (after the row labels' header)
    bottom: list[str]  # the second header row's labels (empty without groups)
    rows: list[tuple[str, list[int]]]


def shown_tables(*, edition: Edition, cells: Cells) -> list[ShownTable]:
    shown = []
    for table in edition.tables:
        top: list[Header] = []
        bottom: list[str] = []
        two = table.has_groups
        for group, grouped in groupby(table.columns, key=lambda c: c.group):
            members = list(grouped)
            if group:
                top.append(Header(group, colspan=len(members)))
                bottom.extend(c.label for c in members)
            else:
                top.extend(Header(c.label, rowspan=2 if two else 1) for c in members)
        values = cells.get(table.id, {})
        rows = [(r.label, [int(values.get(r.id, {}).get(c.id, 0)) for c in table.columns]) for r in table.rows]
        shown.append(ShownTable(id=table.id, heading=table.heading, top=top, bottom=bottom, rows=rows))
    return shown
