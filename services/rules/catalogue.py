"""The catalogue of the standard rule set (``manage.py rules_catalogue``, committed as docs/rules.md).

The standard set is what the migrations seed: this replays, in migration order and without a
database, every data migration whose module writes ``StandardRule`` (the rules app's and the
procedures app's), against an in-memory table. A seeding migration needs nothing else: it creates
rows, and corrects or deletes them by equal fields (``key``, ``effective_from``, ``citation``,
``key__in``); a lookup the table does not know stops the replay with its name rather than
guessing. tests/rules/test_catalogue.py checks the replay against the migrated test database.

Who reads each key comes from the source (``readers.py``). Keys of capabilities not built yet
are listed in ``NOT_READ_YET``: the catalogue says so, and the test fails if any other key is read
by no function, or if one of these starts being read (then it leaves the list).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

from .readers import ROOT, Readings, find_readers

# The audit log's retention is a setting (AUDIT_RETENTION_DAYS, at least this rule's 180 days:
# services/audit).
NOT_READ_YET = frozenset({"audit.retention_days"})
NOT_READ = "not read by code yet"
COMMAND = "manage.py rules_catalogue > docs/rules.md"


@dataclass(frozen=True)
class Version:
    key: str
    value: Any
    unit: str
    effective_from: date
    title: str
    citation: str


# --- the standard set, from its seeds --------------------------------------------------------------

FIELDS = ("key", "value", "unit", "effective_from", "title", "citation")


class _Rows:
    """A query over the in-memory table: equality and ``__in`` lookups, update, delete."""

    def __init__(self, table: list[dict[str, Any]], lookups: dict[str, Any]) -> None:
        self.table, self.lookups = table, lookups

    def _matches(self, row: dict[str, Any]) -> bool:
        for lookup, wanted in self.lookups.items():
            name, _sep, operator = lookup.partition("__")
            if name not in FIELDS or operator not in ("", "in"):
                raise NotImplementedError(f"the rule catalogue cannot replay the lookup {lookup!r}")
            if (row[name] not in wanted) if operator == "in" else (row[name] != wanted):
                return False
        return True

    def filter(self, **lookups: Any) -> _Rows:
        return _Rows(self.table, {**self.lookups, **lookups})

    def all(self) -> _Rows:
        return self

    def __iter__(self) -> Iterator[SimpleNamespace]:
        return (SimpleNamespace(**row) for row in self.table if self._matches(row))

    def update(self, **values: Any) -> int:
        rows = [row for row in self.table if self._matches(row)]
        for row in rows:
            row.update(values)
        return len(rows)

    def delete(self) -> tuple[int, dict[str, int]]:
        kept = [row for row in self.table if not self._matches(row)]
        removed = len(self.table) - len(kept)
        self.table[:] = kept
        return removed, {"rules.StandardRule": removed}


class _Manager(_Rows):
    def __init__(self, table: list[dict[str, Any]]) -> None:
        super().__init__(table, {})

    def bulk_create(self, objs: Iterable[Any], ignore_conflicts: bool = False) -> list[Any]:
        objs = list(objs)
        for obj in objs:
            row = {name: getattr(obj, name) for name in FIELDS}
            if any(r["key"] == row["key"] and r["effective_from"] == row["effective_from"] for r in self.table):
                if ignore_conflicts:
                    continue
                raise ValueError(f"duplicate standard rule {row['key']} {row['effective_from']}")
            self.table.append(row)
        return objs


class _Absorb:
    """Any other model a seeding migration touches (the procedure template's steps): ignored."""

    def __getattr__(self, name: str) -> _Absorb:
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> _Absorb:
        return self

    def __iter__(self) -> Iterator[Any]:
        return iter(())


def standard_set() -> list[Version]:
    """Every version of every standard rule, by key and date, as the migrations leave them."""
    table: list[dict[str, Any]] = []
    rule_model = type("StandardRule", (SimpleNamespace,), {"objects": _Manager(table)})
    # Stand-ins for the migration state's apps and the schema editor of the public schema.
    apps: Any = SimpleNamespace(
        get_model=lambda app, model: rule_model if (app, model) == ("rules", "StandardRule") else _Absorb()
    )
    schema_editor: Any = SimpleNamespace(connection=SimpleNamespace(schema_name="public"))
    for migration in _seeding_migrations():
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                operation.code(apps, schema_editor)
    versions = [Version(**row) for row in table]
    return sorted(versions, key=lambda version: (version.key, version.effective_from))


def _seeding_migrations() -> Iterator[Any]:
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    seen: set[tuple[str, str]] = set()
    for leaf in sorted(graph.leaf_nodes()):
        for node in graph.forwards_plan(leaf):
            if node in seen:
                continue
            seen.add(node)
            migration = graph.nodes[node]
            if "StandardRule" in inspect.getsource(inspect.getmodule(migration) or migration):
                yield migration


# --- the Markdown -----------------------------------------------------------------------------------

HEADER = f"""# The standard rule set

Generated by `{COMMAND}`; do not edit by hand (tests/rules/test_catalogue.py
fails when this file is stale). Every number the platform computes with is a rule of this set:
its value, its unit, the date from which that version is in force, its title and its citation as
the migrations of `services/rules` and `services/procedures` seed them, and the functions that
read it (found in the source: a function that names the key, or a name bound to it). An
institution may override a value from a date, with a reason (规则设置; `services/rule_overrides`).
What the rules mean and where they come from: [domain.md](domain.md#rule-sets).

A key with more than one version lists each, oldest first; the functions are given on its latest
version. Keys of capabilities not built yet say "{NOT_READ}".
"""


def render(versions: list[Version], readings: Readings) -> str:
    lines = [
        HEADER,
        "| key | value | unit | in force from | title | citation | read by |",
        "|---|---|---|---|---|---|---|",
    ]
    for index, version in enumerate(versions):
        later = versions[index + 1] if index + 1 < len(versions) else None
        if later is not None and later.key == version.key:
            read_by = f"until {later.effective_from.isoformat()}"
        else:
            readers = readings.by_key.get(version.key) or []
            read_by = "<br>".join(f"`{reader}`" for reader in readers) or NOT_READ
        cells = [
            f"`{version.key}`",
            _value(version.value),
            version.unit,
            version.effective_from.isoformat(),
            version.title,
            version.citation,
            read_by,
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _value(value: Any) -> str:
    if isinstance(value, list | dict):
        return f"`{json.dumps(value, ensure_ascii=False)}`"
    return str(value)


def catalogue() -> str:
    versions = standard_set()
    return render(versions, find_readers({version.key for version in versions}, root=ROOT))
