"""The form of the template snapshot that provisioning replays on Citus (tenants/citus.py): the
primary keys, unique constraints and deferred foreign keys folded into their CREATE TABLE, the
tables ordered so each comes after the ones it references. Checked on one server: replayed
statement by statement, it builds the same schema as the template."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from tenants import citus
from tenants.provisioning import template_schema, template_snapshot
from tests.console.test_provisioning import _structure

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        citus.enabled(),
        reason="replays the script on one server; on Citus, tests/citus checks the distributed clone's constraints",
    ),
]


def _definitions(schema: str) -> set[tuple[str, str, str]]:
    """Every constraint of ``schema``: its table, name and definition, the schema name left out."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
            " WHERE connamespace = %s::regnamespace",
            [schema],
        )
        return {tuple(value.replace(f"{schema}.", "") for value in row) for row in cursor.fetchall()}  # type: ignore[misc]


def _rows(schema: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def _script(schema: str) -> list[str]:
    script = re.sub(rf"\b{re.escape(template_schema())}\b", schema, template_snapshot())
    return citus.statements(citus.citus_script(script))


def test_the_folded_snapshot_builds_the_same_schema_as_the_template() -> None:
    plain = _script("inst_plain")
    folded = citus.fold_constraints(_script("inst_folded"))
    with connection.cursor() as cursor:
        cursor.execute("\n".join(plain))
        for statement in folded:
            cursor.execute(statement)
    assert _structure("inst_folded") == _structure(template_schema())
    assert _rows("inst_folded") == _rows(template_schema())
    # The definitions as the statements replayed unfolded give them (a dumped CHECK reads back
    # in another but equal form than the migration wrote it).
    assert _definitions("inst_folded") == _definitions("inst_plain")
    added = [s for s in folded if s.startswith("ALTER TABLE") and "ADD CONSTRAINT" in s]
    assert not [s for s in added if "PRIMARY KEY" in s or "UNIQUE" in s]
    # Far fewer statements, each a round trip to a worker on Citus.
    assert len(folded) < len(plain) - 300, (len(folded), len(plain))


FOLDABLE = [
    "CREATE SCHEMA s;",
    "CREATE TABLE s.child (\n    id bigint NOT NULL,\n    parent_id bigint\n);",
    "CREATE TABLE s.parent (\n    id bigint NOT NULL,\n    other_id bigint,\n    code text\n);",
    "CREATE TABLE s.other (\n    id bigint NOT NULL,\n    parent_id bigint\n);",
    "CREATE TABLE s.filled (\n    id bigint NOT NULL,\n    parent_id bigint\n);",
    "INSERT INTO s.filled VALUES (1, 1);",
    "ALTER TABLE ONLY s.child\n    ADD CONSTRAINT child_pkey PRIMARY KEY (id);",
    "ALTER TABLE ONLY s.parent\n    ADD CONSTRAINT parent_pkey PRIMARY KEY (id);",
    "ALTER TABLE ONLY s.parent\n    ADD CONSTRAINT parent_code_key UNIQUE (code);",
    "ALTER TABLE ONLY s.other\n    ADD CONSTRAINT other_pkey PRIMARY KEY (id);",
    "CREATE INDEX child_parent ON s.child USING btree (parent_id);",
    "ALTER TABLE ONLY s.child\n    ADD CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES s.parent(id)"
    " DEFERRABLE INITIALLY DEFERRED;",
    "ALTER TABLE ONLY s.parent\n    ADD CONSTRAINT parent_other FOREIGN KEY (other_id) REFERENCES s.other(id)"
    " DEFERRABLE INITIALLY DEFERRED;",
    "ALTER TABLE ONLY s.other\n    ADD CONSTRAINT other_parent FOREIGN KEY (parent_id) REFERENCES s.parent(id)"
    " DEFERRABLE INITIALLY DEFERRED;",
    "ALTER TABLE ONLY s.child\n    ADD CONSTRAINT child_now FOREIGN KEY (parent_id) REFERENCES s.parent(id);",
    "ALTER TABLE ONLY s.filled\n    ADD CONSTRAINT filled_parent FOREIGN KEY (parent_id) REFERENCES s.parent(id)"
    " DEFERRABLE INITIALLY DEFERRED;",
]


def test_referenced_tables_come_first_and_what_cannot_fold_stays_an_alter() -> None:
    folded = citus.fold_constraints(FOLDABLE)
    created = [re.match(r"CREATE TABLE (\S+)", s).group(1) for s in folded if s.startswith("CREATE TABLE")]  # type: ignore[union-attr]
    # parent references other, other references parent (a cycle): other first, as reached from
    # parent; child after parent.
    assert created == ["s.other", "s.parent", "s.child", "s.filled"]
    tables = {name: next(s for s in folded if s.startswith(f"CREATE TABLE {name} ")) for name in created}
    assert "CONSTRAINT child_pkey PRIMARY KEY (id)" in tables["s.child"]
    assert "CONSTRAINT parent_code_key UNIQUE (code)" in tables["s.parent"]
    assert "CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES s.parent(id)" in tables["s.child"]
    assert "parent_other" in tables["s.parent"]  # other is created before parent
    alters = [s for s in folded if s.startswith("ALTER TABLE")]
    # The cycle's other half, the immediate key, and the key of a table with rows (their checks
    # would be pending when the next index is made).
    names = [re.search(r"CONSTRAINT (\S+)", s).group(1) for s in alters]  # type: ignore[union-attr]
    assert names == ["other_parent", "child_now", "filled_parent"]
    # Everything else in its place: the schema first, the rows after the tables, then the index.
    assert folded[0] == "CREATE SCHEMA s;"
    assert folded.index("INSERT INTO s.filled VALUES (1, 1);") == 5
    assert folded[6] == "CREATE INDEX child_parent ON s.child USING btree (parent_id);"
