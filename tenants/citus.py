"""Institutions on a Citus cluster: schema-based sharding (DATABASE_CITUS, PARTYCLOUD_CITUS=1).

DATABASE_URL points at the coordinator; nothing else in the app changes. What goes where:

- every institution schema is a *distributed schema*: its tables form one colocation group that
  lives on one worker, so every query of a request (one institution) runs on one node. New
  institutions are created distributed (provisioning.py replays the template snapshot with
  ``citus.enable_schema_based_sharding`` on); existing ones are distributed by the
  ``citus_distribute`` command (``citus_schema_distribute``);
- public tables that institution tables reference by foreign key become *reference tables*
  (a copy on every node, so the foreign keys hold on the workers); they are found in the
  catalog, together with the public tables they are linked to by foreign keys;
- everything else in public (institutions, domains, the console's aggregates) and the template
  schema stay on the coordinator (the template's tables linked to reference tables become
  Citus-managed local tables; pg_dump still reads them, so the snapshot is unchanged).

Two things in a pg_dump script are not accepted by Citus for a distributed table: an identity
added by ALTER TABLE and a column's storage set by ALTER TABLE. ``citus_script`` folds both into
the CREATE TABLE they belong to (PostgreSQL 16 accepts STORAGE in a column definition).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

from tenants.db import connection

# The append-only and guard triggers run on the worker that holds the shard; Citus asks for
# this setting before it distributes a table that has triggers.
SESSION = "SET LOCAL citus.enable_unsafe_triggers = on;\n"

_IDENTITY = re.compile(
    r"^ALTER TABLE (?:ONLY )?(\S+) ALTER COLUMN (\S+) ADD GENERATED (BY DEFAULT|ALWAYS) AS IDENTITY \(\n.*?\n\);\n",
    re.S | re.M,
)
_DOLLAR_TAG = re.compile(r"\$[A-Za-z_]*\$")
_STORAGE = re.compile(r"^ALTER TABLE (?:ONLY )?(\S+) ALTER COLUMN (\S+) SET STORAGE (\w+);\n", re.M)


def enabled() -> bool:
    return bool(getattr(settings, "DATABASE_CITUS", False))


def _fold(script: str, pattern: re.Pattern[str], clause: Callable[[str], str]) -> str:
    found = [match.groups() for match in pattern.finditer(script)]
    script = pattern.sub("", script)
    for table, column, value in found:
        start = script.index(f"CREATE TABLE {table} (\n")
        end = script.index("\n);\n", start)
        block = script[start:end]
        column_line = re.compile(rf"^(    {re.escape(column)} [^\n]*?)( NOT NULL)?(,?)$", re.M)
        added = clause(value).replace("\\", "\\\\")
        folded = column_line.sub(rf"\g<1>{added}\g<2>\g<3>", block, count=1)
        if folded == block:
            raise ValueError(f"column {column} of {table} not found in the template snapshot")
        script = script[:start] + folded + script[end:]
    return script


def citus_script(script: str) -> str:
    """The template snapshot in a form Citus accepts for tables of a distributed schema."""
    script = _fold(script, _IDENTITY, lambda kind: f" GENERATED {kind} AS IDENTITY")
    return _fold(script, _STORAGE, lambda storage: f" STORAGE {storage}")


def statements(script: str) -> list[str]:
    """A pg_dump script's statements: each ends with ``;`` at the end of a line, outside a
    dollar-quoted function body."""
    found: list[str] = []
    current: list[str] = []
    open_tag: str | None = None
    for line in script.splitlines(keepends=True):
        current.append(line)
        for tag in _DOLLAR_TAG.findall(line):
            if open_tag is None:
                open_tag = tag
            elif tag == open_tag:
                open_tag = None
        if open_tag is None and line.rstrip().endswith(";"):
            found.append("".join(current).strip())
            current = []
    rest = "".join(current).strip()
    if rest:
        found.append(rest)
    return found


_CREATE_TABLE = re.compile(r"^CREATE TABLE (\S+) \(\n")
_ADD_CONSTRAINT = re.compile(
    r"^ALTER TABLE (?:ONLY )?(\S+)\s+ADD CONSTRAINT (\S+) (PRIMARY KEY|UNIQUE|FOREIGN KEY)\b(.*);$", re.S
)
_REFERENCES = re.compile(r" REFERENCES (\S+?)\(")
_INSERT = re.compile(r"^INSERT INTO (\S+) ")


T = TypeVar("T", str, int)  # a table by name (a script's) or by oid (the catalog's)


def _creation_order(tables: list[T], needs: dict[T, set[T]]) -> list[T]:
    """``tables`` with every table after the ones it references where possible (depth first, in
    the order given; a table in a cycle comes after the tables it was reached from)."""
    ordered: list[T] = []
    seen: set[T] = set()

    def visit(table: T) -> None:
        if table in seen:
            return
        seen.add(table)
        for referenced in sorted(needs[table]):
            visit(referenced)
        ordered.append(table)

    for table in tables:
        visit(table)
    return ordered


def fold_constraints(found: list[str]) -> list[str]:
    """The snapshot's statements with its primary keys, unique constraints and deferred foreign
    keys written into the CREATE TABLE of their table, the tables in an order where each comes
    after the tables it references. On Citus every statement on a distributed table is a round
    trip to its worker: the ~390 ALTER TABLE … ADD CONSTRAINT of a snapshot were 40 % of a
    provisioning. What cannot be folded stays where it was: an immediate foreign key (the rows
    inserted later are checked as they come), one that references a table created after its own
    (a cycle), and any of a table the snapshot has rows for: the rows would leave the key's
    checks pending until the commit, and PostgreSQL refuses an index on a table with pending
    checks. The result builds the same schema (tests/tenants/test_citus_script.py)."""
    filled = {inserted.group(1) for statement in found if (inserted := _INSERT.match(statement))}
    tables: dict[str, str] = {}
    clauses: dict[str, list[str]] = {}
    needs: dict[str, set[str]] = {}
    foreign: dict[int, tuple[str, str, str]] = {}  # statement index -> (table, referenced, clause)
    for index, statement in enumerate(found):
        if created := _CREATE_TABLE.match(statement):
            tables[created.group(1)], clauses[created.group(1)], needs[created.group(1)] = statement, [], set()
        elif (added := _ADD_CONSTRAINT.match(statement)) and added.group(1) in tables:
            table, name, kind, rest = added.groups()
            clause = f"CONSTRAINT {name} {kind} {' '.join(rest.split())}"
            referenced = _REFERENCES.search(rest) if kind == "FOREIGN KEY" else None
            if referenced is None:
                clauses[table].append(clause)
            elif rest.rstrip().endswith("DEFERRABLE INITIALLY DEFERRED") and table not in filled:
                foreign[index] = (table, referenced.group(1), clause)
                if referenced.group(1) in tables and referenced.group(1) != table:
                    needs[table].add(referenced.group(1))
    order = _creation_order(list(tables), needs)
    position = {table: at for at, table in enumerate(order)}
    folded: set[int] = set()
    for index, (table, target, clause) in foreign.items():
        if position.get(target, -1) <= position[table]:  # outside the schema, itself, or before it
            clauses[table].append(clause)
            folded.add(index)
    result: list[str] = []
    for index, statement in enumerate(found):
        if _CREATE_TABLE.match(statement):
            if tables:  # the first CREATE TABLE: every table here, in order
                for table in order:
                    body = tables.pop(table)
                    extra = "".join(f",\n    {clause}" for clause in clauses[table])
                    result.append(body[: body.rindex("\n);")] + extra + "\n);")
            continue
        added = _ADD_CONSTRAINT.match(statement)
        if added and added.group(1) in clauses and (added.group(3) != "FOREIGN KEY" or index in folded):
            continue
        result.append(statement)
    return result


def distributed_schema_statements(script: str) -> list[str]:
    """``script`` (a CREATE SCHEMA and its tables) as statements to run one by one in one
    transaction so that the schema is created distributed: its tables land on a worker as they
    are created, rows included. One by one: Citus forwards some DDL to the workers with the
    text of the query it came in, which must then be that statement alone."""
    return [
        SESSION.strip(),
        "SET LOCAL citus.enable_schema_based_sharding = on",
        *fold_constraints(statements(citus_script(script))),
        "SET LOCAL citus.enable_schema_based_sharding = off",
    ]


# Public tables linked by foreign keys (either direction) to public tables that a non-public
# schema references; a reference table may only reference reference tables, and a local table
# that references one is turned into a Citus local table, so the whole component moves together.
_REFERENCED = """
WITH RECURSIVE fk AS (
    SELECT c.conrelid AS src, c.confrelid AS dst,
           sn.nspname AS src_schema, dn.nspname AS dst_schema
    FROM pg_constraint c
    JOIN pg_class s ON s.oid = c.conrelid JOIN pg_namespace sn ON sn.oid = s.relnamespace
    JOIN pg_class d ON d.oid = c.confrelid JOIN pg_namespace dn ON dn.oid = d.relnamespace
    WHERE c.contype = 'f'
), linked(rel) AS (
    SELECT DISTINCT dst FROM fk WHERE dst_schema = 'public' AND src_schema <> 'public'
    UNION
    SELECT CASE WHEN fk.src = linked.rel THEN fk.dst ELSE fk.src END
    FROM fk JOIN linked ON linked.rel IN (fk.src, fk.dst)
    WHERE fk.src_schema = 'public' AND fk.dst_schema = 'public'
)
SELECT rel::regclass::text, rel FROM linked
"""


def referenced_public_tables() -> list[str]:
    """Public tables that must be reference tables, referenced ones first."""
    with connection.cursor() as cursor:
        cursor.execute(_REFERENCED)
        tables = dict(cursor.fetchall())
        cursor.execute(
            "SELECT conrelid, confrelid FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s)"
            " AND confrelid = ANY(%s) AND conrelid <> confrelid",
            [list(tables.values()), list(tables.values())],
        )
        needs: dict[int, set[int]] = {oid: set() for oid in tables.values()}
        for src, dst in cursor.fetchall():
            needs[src].add(dst)
    names = {oid: name for name, oid in tables.items()}
    return [names[oid] for oid in _creation_order(sorted(needs, key=lambda o: names[o]), needs)]


def reference_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT logicalrelid::regclass::text FROM pg_dist_partition WHERE repmodel = 't'")
        return {row[0] for row in cursor.fetchall()}


def ensure_reference_tables() -> list[str]:
    """Make every public table that institution tables reference a reference table; return the
    ones converted now (none when nothing changed: one catalog query)."""
    existing = reference_tables()
    converted = []
    for table in referenced_public_tables():
        if table in existing:
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT create_reference_table(%s)", [table])
        converted.append(table)
    return converted


def distributed_schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name::text FROM citus_schemas")
        return {row[0] for row in cursor.fetchall()}


def distribute_schema(schema_name: str) -> bool:
    """Distribute an existing institution schema (its tables move to a worker); False when it
    already is."""
    if schema_name in distributed_schemas():
        return False
    with connection.cursor() as cursor:
        cursor.execute(SESSION + "SELECT citus_schema_distribute(%s)", [schema_name])
    pin_function_search_paths([schema_name])
    return True


# The placements of a schema's shards, from Citus's own catalog (citus_shards also measures
# every shard's size on the workers), whatever the search path.
_PLACEMENTS = """
SELECT s.shardid, n.nodename, n.nodeport FROM pg_dist_shard s
JOIN pg_dist_placement p ON p.shardid = s.shardid
JOIN pg_dist_node n ON n.groupid = p.groupid AND n.noderole = 'primary'
WHERE s.logicalrelid IN (SELECT oid FROM pg_class WHERE relnamespace = %s::regnamespace)
"""


def schema_nodes(schema_name: str) -> list[str]:
    """The nodes (host:port) that hold the schema's tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT nodename || ':' || nodeport FROM ({_PLACEMENTS}) AS placements ORDER BY 1", [schema_name]
        )
        return [row[0] for row in cursor.fetchall()]


def move_schema(schema_name: str, target: str, *, mode: str = "auto") -> tuple[str, str]:
    """Move an institution's schema (its whole colocation group) to the worker ``target``
    ("host:port"); return (source, target). ``auto`` copies with logical replication, so the
    institution keeps reading and writing while it moves and only waits for the final switch;
    ``block_writes`` holds writes for the whole copy. Runs outside a transaction."""
    host, _, port = target.rpartition(":")
    with connection.cursor() as cursor:
        cursor.execute(f"{_PLACEMENTS} ORDER BY s.shardid LIMIT 1", [schema_name])
        found = cursor.fetchone()
        if found is None:
            raise ValueError(f"{schema_name} is not a distributed schema")
        shard, source_host, source_port = found
        source = f"{source_host}:{source_port}"
        if source == target:
            return source, target
        cursor.execute(
            "SELECT citus_move_shard_placement(%s, %s, %s, %s, %s,"
            " shard_transfer_mode => %s::citus.shard_transfer_mode)",
            [shard, source_host, source_port, host, int(port), mode],
        )
    return source, target


def worker_nodes() -> list[str]:
    """The active workers (host:port), the places an institution may be moved to."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT node_name || ':' || node_port FROM citus_get_active_worker_nodes() ORDER BY 1")
        return [row[0] for row in cursor.fetchall()]


# Trigger functions of an institution call the schema's own helper functions by their bare
# names (e.g. orglife_minutes_finalized), found through the request's search path. On Citus a
# trigger runs on the worker, in a backend whose search path is not the institution's: the
# helper is "not found". Pinning every function of the schema to its own schema (a function's
# SET search_path, which Citus propagates to the worker) makes the names resolve there as on
# one server. A function that sets its own search path (the audit purge's) keeps it. One
# catalog query when every function is pinned already.
_UNPINNED = """
SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang AND l.lanname IN ('plpgsql', 'sql')
WHERE n.nspname = ANY(%s) AND p.prokind = 'f'
  AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) AS setting WHERE setting LIKE 'search_path=%%')
ORDER BY 1, 2
"""


def pin_function_search_paths(schemas: list[str]) -> int:
    """Pin the functions of ``schemas`` to their schema; return how many were pinned now."""
    if not schemas:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_UNPINNED, [schemas])
        found = cursor.fetchall()
        for schema, name, arguments in found:
            cursor.execute(f'ALTER FUNCTION "{schema}"."{name}"({arguments}) SET search_path = "{schema}", public')
    return len(found)


def repin_function_search_paths(schema_name: str, old_name: str) -> int:
    """After ``old_name`` was renamed ``schema_name`` (a spare taken, tenants/spares.py): every
    function whose search path names the old schema names the new one instead, the rest of its
    path kept (the audit purge's is its schema and pg_temp); return how many."""
    old = re.compile(rf'"?\b{re.escape(old_name)}\b"?')
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, pg_get_function_identity_arguments(p.oid), setting FROM pg_proc p,"
            " unnest(p.proconfig) AS setting WHERE p.pronamespace = %s::regnamespace AND setting LIKE %s",
            [schema_name, f"search_path=%{old_name}%"],
        )
        found = cursor.fetchall()
        for name, arguments, setting in found:
            path = old.sub(f'"{schema_name}"', setting.split("=", 1)[1])
            cursor.execute(f'ALTER FUNCTION "{schema_name}"."{name}"({arguments}) SET search_path = {path}')
    return len(found)
