"""Through a real PgBouncer in transaction mode, no query runs in another institution's schema.

PgBouncer (pool_mode=transaction, default_pool_size=1) puts every client on one server
connection, so whatever session state one client leaves behind is what the next one gets.

1. Negative control: django-tenants' stock session-level ``SET search_path``
   (DATABASE_POOL_MODE=session) reads the other institution's data, deterministically. This
   is the hazard, and it shows the harness can see a leak.
2. The same sequence through tenants.db with DATABASE_POOL_MODE=transaction reads only
   its own institution's data, even on a server connection another client left in another
   schema, and leaves no session state behind. COPY and callproc, which psycopg2 sends as
   statements of its own, use the institution's schema too.
3. The real app (gunicorn, threaded) behind that PgBouncer answers concurrent API requests
   for two institutions, each with only its own institution's data.

Data the app process and the pooled connections read must be committed, so it is created
outside the per-test transaction and removed afterwards. deploy/pgbouncer.md points here.
"""

from __future__ import annotations

import copy
import io
import json
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import ProgrammingError, connection
from django.test.utils import override_settings
from django_tenants.utils import quote_schema_name

from services.accounts.models import ApiToken, User
from services.accounts.services import api_token_create
from services.organization.models import OrgUnit
from tenants.db.base import DatabaseWrapper
from tenants.models import Institution
from tests.conftest import Institutions, host_of, in_schema
from tests.support.processes import (
    AppServer,
    PgBouncer,
    StartError,
    pgbouncer_binary,
    start_app_server,
    start_pgbouncer,
)

pytestmark = [pytest.mark.pgbouncer, pytest.mark.django_db]

MARKERS = ("ALPHA-MARKER", "BETA-MARKER")
CONCURRENT_REQUESTS = 300
CLIENT_THREADS = 24


@dataclass(frozen=True)
class Marked:
    institution: Institution
    marker: str
    token: str  # the raw bearer token of a user of this institution

    @property
    def host(self) -> str:
        return host_of(self.institution)


@dataclass(frozen=True)
class Read:
    backend_pid: int  # the PostgreSQL server process (behind PgBouncer) that ran the query
    search_path: str
    markers: list[str]


@pytest.fixture(scope="module")
def bouncer(django_db_setup: None) -> Iterator[PgBouncer]:
    if pgbouncer_binary() is None:
        pytest.skip("pgbouncer is not installed (Debian package pgbouncer; deploy/install-system-deps.sh installs it)")
    settings_dict = connection.settings_dict
    try:
        bouncer = start_pgbouncer(
            server_host=str(settings_dict["HOST"]) or "/var/run/postgresql",
            server_port=str(settings_dict["PORT"]),
            database=str(settings_dict["NAME"]),  # the test database, e.g. test_partycloud_gw0
            user=str(settings_dict["USER"]),
            password=str(settings_dict["PASSWORD"]),
            pool_mode="transaction",
            pool_size=1,
        )
    except StartError as exc:
        pytest.fail(f"could not start pgbouncer: {exc!r}: {exc.__cause__}")
    yield bouncer
    bouncer.stop()


@pytest.fixture(scope="module")
def marked(institutions: Institutions, django_db_blocker: Any) -> Iterator[tuple[Marked, Marked]]:
    """A committed OrgUnit "<CODE>-MARKER" and an API token in each of the two institutions."""
    created: list[Marked] = []
    try:
        with django_db_blocker.unblock():
            for institution, marker in zip((institutions.a, institutions.b), MARKERS, strict=True):
                with in_schema(institution):
                    unit = OrgUnit.objects.create(name=marker, kind=OrgUnit.Kind.COMMITTEE, path="")
                    OrgUnit.objects.filter(pk=unit.pk).update(path=f"{unit.pk}.")
                    user = User(username=f"pgbouncer-{institution.code}", display_name="PgBouncer test")
                    user.set_unusable_password()  # signs in by token only
                    user.save()
                    _token, raw = api_token_create(user=user, name="pgbouncer isolation test")
                created.append(Marked(institution=institution, marker=marker, token=raw))
        yield created[0], created[1]
    finally:
        with django_db_blocker.unblock():
            for institution in (institutions.a, institutions.b):
                with in_schema(institution):
                    ApiToken.objects.filter(user__username=f"pgbouncer-{institution.code}").delete()
                    User.objects.filter(username=f"pgbouncer-{institution.code}").delete()
                    OrgUnit.objects.filter(name__in=MARKERS).delete()


@contextmanager
def pooled_wrappers(bouncer: PgBouncer, *, pool_mode: str) -> Iterator[tuple[DatabaseWrapper, DatabaseWrapper]]:
    """Two tenants.db connections through PgBouncer, as two app threads would have them."""
    wrappers: list[DatabaseWrapper] = []
    for name in ("pgbouncer_a", "pgbouncer_b"):
        settings_dict = copy.deepcopy(connection.settings_dict)
        settings_dict.update(
            HOST=bouncer.host,
            PORT=str(bouncer.port),
            NAME=bouncer.database,
            PASSWORD="",
            OPTIONS={},
            CONN_MAX_AGE=0,
            DISABLE_SERVER_SIDE_CURSORS=pool_mode == "transaction",
        )
        wrappers.append(DatabaseWrapper(settings_dict, alias=name))
    try:
        # The backend reads the mode from settings whenever it opens a cursor.
        with override_settings(DATABASE_POOL_MODE=pool_mode):
            yield wrappers[0], wrappers[1]
    finally:
        for wrapper in wrappers:
            wrapper.close()


def read_markers(cursor: Any) -> Read:
    # The server process and its path in a statement of their own: on Citus a statement that
    # reads an institution's table runs on a worker, and would report the worker's process.
    cursor.execute("SELECT pg_backend_pid(), current_setting('search_path')")
    pid, search_path = cursor.fetchone()
    # Unqualified table name: the search path alone decides whose rows these are.
    cursor.execute(
        f"SELECT coalesce(array_agg(name ORDER BY name), '{{}}') FROM {OrgUnit._meta.db_table} WHERE name = ANY(%s)",
        [list(MARKERS)],
    )
    (markers,) = cursor.fetchone()
    return Read(backend_pid=pid, search_path=search_path, markers=list(markers))


def interleaved_reads(
    conn_a: DatabaseWrapper, conn_b: DatabaseWrapper, marked: tuple[Marked, Marked]
) -> tuple[Read, Read, Read]:
    """A reads alone; then A opens a cursor, B reads, A reads. Returns (alone, A, B).

    Opening a cursor is where django-tenants issues its session-level SET; B running between
    A's SET and A's query is exactly what a transaction pool does to concurrent clients.
    """
    alpha, beta = marked
    conn_a.set_tenant(alpha.institution)
    conn_b.set_tenant(beta.institution)
    with conn_a.cursor() as cursor:
        alone = read_markers(cursor)
    with conn_a.cursor() as cursor_a:
        with conn_b.cursor() as cursor_b:
            read_b = read_markers(cursor_b)
        read_a = read_markers(cursor_a)
    return alone, read_a, read_b


def test_negative_control_session_search_path_leaks_across_transaction_pool(
    bouncer: PgBouncer, marked: tuple[Marked, Marked]
) -> None:
    alpha, beta = marked
    with pooled_wrappers(bouncer, pool_mode="session") as (conn_a, conn_b):
        alone, read_a, read_b = interleaved_reads(conn_a, conn_b, marked)

    assert alone.markers == [alpha.marker], "the harness must read A's own data when nothing interleaves"
    assert read_b.markers == [beta.marker]
    assert read_a.backend_pid == read_b.backend_pid, "both clients must share PgBouncer's single server connection"
    # The hazard: A's query ran under the search path B left on the shared server connection.
    assert read_a.markers == [beta.marker], f"expected the stock session-level path to leak; A read {read_a}"


@contextmanager
def server_left_in(bouncer: PgBouncer, institution: Institution) -> Iterator[tuple[int, str]]:
    """Leave the pool's server connection with a session-level path into ``institution``, as a
    client with the stock behaviour would. Yields that connection's (backend pid, search_path)."""
    raw = bouncer.connect()
    try:
        with raw.cursor() as cursor:
            cursor.execute(f"SET search_path = {quote_schema_name(institution.schema_name)}, public")
            cursor.execute("SELECT pg_backend_pid(), current_setting('search_path')")
            left_behind = cursor.fetchone()
        yield left_behind
        # Our SET LOCAL ends with its transaction: the session is as the last client left it.
        with raw.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid(), current_setting('search_path')")
            assert cursor.fetchone() == left_behind, "a session-level search path was left on the pool"
    finally:
        with raw.cursor() as cursor:
            cursor.execute("RESET search_path")
        raw.close()


def test_transaction_mode_backend_never_reads_another_schema_through_transaction_pool(
    bouncer: PgBouncer, marked: tuple[Marked, Marked]
) -> None:
    alpha, beta = marked
    with pooled_wrappers(bouncer, pool_mode="transaction") as (conn_a, conn_b):
        alone, read_a, read_b = interleaved_reads(conn_a, conn_b, marked)
        assert alone.markers == [alpha.marker]
        assert read_b.markers == [beta.marker]
        assert read_a.backend_pid == read_b.backend_pid, "both clients must share one server connection"
        assert read_a.markers == [alpha.marker], f"A read another institution's data: {read_a}"

        with server_left_in(bouncer, beta.institution) as (server_pid, _path):
            with conn_a.cursor() as cursor:
                polluted = read_markers(cursor)
            assert polluted.backend_pid == server_pid
            assert polluted.markers == [alpha.marker], f"A read another institution's data: {polluted}"

            # Inside an explicit transaction the path follows set_tenant statement by statement.
            conn_a.set_autocommit(False)
            try:
                with conn_a.cursor() as cursor:
                    first = read_markers(cursor)
                    conn_a.set_tenant(beta.institution)
                    second = read_markers(cursor)
                    conn_a.set_tenant(alpha.institution)
                    third = read_markers(cursor)
                conn_a.commit()
            finally:
                conn_a.set_autocommit(True)
            assert [r.markers for r in (first, second, third)] == [[alpha.marker], [beta.marker], [alpha.marker]]


def test_transaction_mode_backend_copy_and_callproc_use_the_institution_schema(
    bouncer: PgBouncer, marked: tuple[Marked, Marked]
) -> None:
    """psycopg2 sends COPY and callproc's SELECT itself, so they cannot carry the prefix."""
    alpha, beta = marked
    table = OrgUnit._meta.db_table
    with (
        pooled_wrappers(bouncer, pool_mode="transaction") as (conn_a, _conn_b),
        server_left_in(bouncer, beta.institution),
    ):
        conn_a.set_tenant(alpha.institution)
        with conn_a.cursor() as cursor, pytest.raises(ProgrammingError, match=r"inside transaction\.atomic"):
            cursor.copy_to(io.StringIO(), table)  # outside a transaction no SET LOCAL could hold

        conn_a.set_autocommit(False)
        try:
            with conn_a.cursor() as cursor:
                copied_to = io.StringIO()
                cursor.copy_to(copied_to, table, columns=("name",))
                copied_expert = io.StringIO()
                cursor.copy_expert(f"COPY (SELECT name FROM {table}) TO STDOUT", copied_expert)
                cursor.copy_from(
                    io.StringIO("COPY-PROBE\tbranch\t\t\t0\t2026-01-01 00:00:00+00\n"),
                    table,
                    columns=("name", "kind", "branch_kind", "path", "sort_order", "created_at"),
                )
                cursor.execute(
                    f"SELECT (SELECT count(*) FROM {quote_schema_name(alpha.institution.schema_name)}.{table}"
                    "          WHERE name = 'COPY-PROBE'),"
                    f"       (SELECT count(*) FROM {quote_schema_name(beta.institution.schema_name)}.{table}"
                    "          WHERE name = 'COPY-PROBE')"
                )
                copied_into = cursor.fetchone()
                cursor.callproc("current_schema")
                called_in = cursor.fetchone()
        finally:
            conn_a.rollback()  # the probe row goes
            conn_a.set_autocommit(True)

    def markers_in(dump: io.StringIO) -> set[str]:
        return set(dump.getvalue().splitlines()) & set(MARKERS)

    assert markers_in(copied_to) == {alpha.marker}, copied_to.getvalue()
    assert markers_in(copied_expert) == {alpha.marker}, copied_expert.getvalue()
    assert copied_into == (1, 0), "COPY FROM wrote into the wrong institution's table"
    assert called_in == (alpha.institution.schema_name,)


@pytest.fixture
def app_behind_bouncer(bouncer: PgBouncer) -> Iterator[AppServer]:
    env = {
        "DATABASE_URL": bouncer.url,
        "DATABASE_POOL_MODE": "transaction",
        "HTTPS": "0",
    }
    # Same data dir as this process, so SECRET_KEY (and with it token digests) match.
    if os.environ.get("PARTYCLOUD_DATA_DIR"):
        env["PARTYCLOUD_DATA_DIR"] = os.environ["PARTYCLOUD_DATA_DIR"]
    try:
        server = start_app_server(env, workers=2, threads=8)
    except StartError as exc:
        pytest.fail(f"could not start the app behind pgbouncer: {exc!r}: {exc.__cause__}")
    yield server
    server.stop()


def expected_org_units(institution: Institution) -> set[str]:
    with in_schema(institution):
        return set(OrgUnit.objects.values_list("name", flat=True))


def test_concurrent_requests_through_transaction_pool_see_only_their_institution(
    app_behind_bouncer: AppServer, marked: tuple[Marked, Marked]
) -> None:
    server = app_behind_bouncer
    expected = {m.host: expected_org_units(m.institution) for m in marked}
    others = {m.host: {o.marker for o in marked if o is not m} for m in marked}
    for m in marked:
        assert m.marker in expected[m.host] and not others[m.host] & expected[m.host]

    def fetch(m: Marked) -> tuple[str, int, bytes]:
        status, body = server.request(
            "/api/org-units/?limit=200", host=m.host, headers={"Authorization": f"Bearer {m.token}"}
        )
        return m.host, status, body

    def problem(host: str, status: int, body: bytes) -> str | None:
        if status != 200:
            return f"{host}: HTTP {status} {body[:200]!r}"
        names = {unit["name"] for unit in json.loads(body)["results"]}
        if names & others[host]:
            return f"{host}: LEAK, saw {sorted(names & others[host])} in {sorted(names)}"
        if names != expected[host]:
            return f"{host}: expected {sorted(expected[host])}, got {sorted(names)}"
        return None

    # One request each first: a broken setup fails here with one clear message.
    for m in marked:
        first = problem(*fetch(m))
        assert first is None, f"{first}\n--- server log ---\n{server.log()}"

    order = [marked[i % 2] for i in range(CONCURRENT_REQUESTS)]
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        results = list(pool.map(fetch, order))

    assert len(results) == CONCURRENT_REQUESTS
    problems = [p for p in (problem(*result) for result in results) if p is not None]
    assert not problems, (
        f"{len(problems)} of {CONCURRENT_REQUESTS} responses were wrong, e.g.:\n"
        + "\n".join(problems[:10])
        + f"\n--- server log ---\n{server.log()}"
    )
