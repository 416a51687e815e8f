"""Moving an institution to another worker while a client keeps writing and reading it: the
schema's colocation group is copied with logical replication and switched over, and not one
request of the client fails."""

from __future__ import annotations

import io
import threading
from typing import Any

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command

from tenants import citus
from tests.citus.helpers import worker_nodes
from tests.conftest import Institutions


def _connect() -> Any:
    db = settings.DATABASES["default"]
    connection = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432, password=db["PASSWORD"]
    )
    connection.autocommit = True
    return connection


class Client(threading.Thread):
    """Writes a row and reads the count back, again and again, until stopped."""

    def __init__(self, schema: str) -> None:
        super().__init__(daemon=True)
        self.schema = schema
        self.stop = threading.Event()
        self.writes = 0
        self.errors: list[str] = []
        self.progress = threading.Condition()

    def run(self) -> None:
        connection = _connect()
        try:
            with connection.cursor() as cursor:
                while not self.stop.is_set():
                    try:
                        cursor.execute(
                            f"INSERT INTO {self.schema}.django_session VALUES (%s, 'x', now() + interval '1 day')",
                            [f"move-{self.writes}"],
                        )
                        cursor.execute(
                            f"SELECT count(*) FROM {self.schema}.django_session WHERE session_key LIKE 'move-%'"
                        )
                        if cursor.fetchone()[0] != self.writes + 1:
                            self.errors.append(f"read after write {self.writes} saw another count")
                        with self.progress:
                            self.writes += 1
                            self.progress.notify_all()
                    except psycopg2.Error as exc:
                        self.errors.append(repr(exc))
                cursor.execute(f"DELETE FROM {self.schema}.django_session WHERE session_key LIKE 'move-%'")
        finally:
            connection.close()

    def wait_for(self, writes: int) -> None:
        with self.progress:
            assert self.progress.wait_for(lambda: self.writes >= writes or bool(self.errors), timeout=120)


def test_an_institution_moves_to_the_other_worker_while_serving(
    institutions: Institutions, django_db_blocker: Any
) -> None:
    schema = institutions.a.schema_name
    with django_db_blocker.unblock():
        (source,) = citus.schema_nodes(schema)
        (target,) = worker_nodes() - {source}
        client = Client(schema)
        client.start()
        try:
            client.wait_for(5)
            before = client.writes
            out = io.StringIO()
            call_command("citus_move_institution", institutions.a.code, "--to", target, stdout=out)
            during = client.writes - before
            client.wait_for(client.writes + 5)  # still serving on the new worker
        finally:
            client.stop.set()
            client.join(timeout=60)
        assert client.errors == []
        assert citus.schema_nodes(schema) == [target]
        assert f"{source} -> {target}" in out.getvalue()
        print(f"moved {schema} {source} -> {target}: {during} writes during the move, none failed")
        call_command("citus_move_institution", institutions.a.code, "--to", source, stdout=io.StringIO())
        assert citus.schema_nodes(schema) == [source]


@pytest.mark.django_db
def test_moving_to_where_it_is_changes_nothing(institutions: Institutions) -> None:
    (here,) = citus.schema_nodes(institutions.b.schema_name)
    assert citus.move_schema(institutions.b.schema_name, here) == (here, here)
