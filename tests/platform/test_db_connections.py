"""A burst of concurrent clients leaves the web server holding a bounded number of database
connections: at most one per request thread it keeps (workers × threads), not one per request.

Reproduction: under `make run` (then Django's runserver, a new thread per request, each with its
own connection kept for CONN_MAX_AGE) two to four clients drove PostgreSQL to its 200-connection
limit within a minute, and every request after that was a 500. Here a real server process is
driven by 40 client threads × 25 requests to a page that queries the database, while a sampler
counts that server's backends in pg_stat_activity (its connections carry an application_name of
their own, passed in DATABASE_URL).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import psycopg2
import pytest
from django.db import connection

from services.accounts.models import ApiToken, User
from services.accounts.services import api_token_create
from tenants.models import Institution
from tests.conftest import Institutions, host_of, in_schema
from tests.platform import celery_worker
from tests.support.processes import AppServer, StartError, app_env, start_deploy_gunicorn, start_make_run_server

pytestmark = pytest.mark.django_db

CLIENTS = 40
REQUESTS_PER_CLIENT = 25
PAGE = "/api/me/"  # signs the token's user in (token and user queries), then answers from the database
# A worker recycled during the burst (max_requests) exits before its successor starts, but its
# backends may still be listed for a moment.
SLACK = 2


@dataclass(frozen=True)
class Caller:
    host: str
    token: str


@pytest.fixture(scope="module")
def caller(institutions: Institutions, django_db_blocker: Any) -> Iterator[Caller]:
    """A committed user with an API token in institution A (the server process reads it)."""
    institution: Institution = institutions.a
    username = "burst-connections"
    try:
        with django_db_blocker.unblock(), in_schema(institution):
            user = User(username=username, display_name="Connection burst")
            user.set_unusable_password()
            user.save()
            _token, raw = api_token_create(user=user, name="connection burst test")
        yield Caller(host=host_of(institution), token=raw)
    finally:
        with django_db_blocker.unblock(), in_schema(institution):
            ApiToken.objects.filter(user__username=username).delete()
            User.objects.filter(username=username).delete()


def server_env(application_name: str) -> dict[str, str]:
    """The test database, with every connection of the server named ``application_name``."""
    url = celery_worker.test_database_url()
    return app_env(f"{url}{'&' if '?' in url else '?'}application_name={application_name}")


def backends(application_name: str) -> int:
    """How many server processes of the test database carry ``application_name`` right now."""
    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"] or None
    )
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
                [application_name],
            )
            return int(cursor.fetchone()[0])
    finally:
        conn.close()


class Sampler(threading.Thread):
    """Counts the server's backends until stopped; remembers the most seen at once."""

    def __init__(self, application_name: str) -> None:
        super().__init__(daemon=True)
        self.application_name = application_name
        self.most = 0
        self.samples = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.most = max(self.most, backends(self.application_name))
            self.samples += 1
            self._stop_event.wait(0.02)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


@dataclass(frozen=True)
class Burst:
    statuses: list[int]
    most_during: int
    samples: int
    after: int


def burst(server: AppServer, caller: Caller, application_name: str) -> Burst:
    headers = {"Authorization": f"Bearer {caller.token}"}

    def client(_index: int) -> list[int]:
        return [server.request(PAGE, host=caller.host, headers=headers)[0] for _ in range(REQUESTS_PER_CLIENT)]

    sampler = Sampler(application_name)
    sampler.start()
    try:
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            statuses = [status for statuses in pool.map(client, range(CLIENTS)) for status in statuses]
    finally:
        sampler.stop()
    return Burst(statuses=statuses, most_during=sampler.most, samples=sampler.samples, after=backends(application_name))


def check_bounded(result: Burst, *, bound: int, server: AppServer) -> None:
    failed = [status for status in result.statuses if status != 200]
    assert len(result.statuses) == CLIENTS * REQUESTS_PER_CLIENT
    assert not failed, f"{len(failed)} requests failed, e.g. HTTP {failed[0]}\n--- server log ---\n{server.log()}"
    assert result.samples > 0
    # Persistent connections (CONN_MAX_AGE) stay open after the burst: the count sees them.
    assert result.after > 0, "no backend of the server was seen: the application_name filter is wrong"
    assert result.most_during <= bound, f"{result.most_during} connections during the burst (bound {bound})"
    assert result.after <= bound, f"{result.after} connections left after the burst (bound {bound})"


def test_the_make_run_server_holds_a_bounded_number_of_connections_under_a_burst(caller: Caller) -> None:
    name = "burst-make-run"
    try:
        server, workers, threads = start_make_run_server(server_env(name))
    except StartError as exc:
        pytest.fail(f"could not start the make run server: {exc!r}: {exc.__cause__}")
    try:
        result = burst(server, caller, name)
    finally:
        server.stop()
    check_bounded(result, bound=workers * threads + SLACK, server=server)


def test_gunicorn_with_the_deploy_config_holds_workers_times_threads_connections_under_a_burst(
    caller: Caller,
) -> None:
    name = "burst-gunicorn"
    workers, threads = 2, 3
    try:
        server = start_deploy_gunicorn(server_env(name), workers=workers, threads=threads)
    except StartError as exc:
        pytest.fail(f"could not start gunicorn: {exc!r}: {exc.__cause__}")
    try:
        result = burst(server, caller, name)
    finally:
        server.stop()
    check_bounded(result, bound=workers * threads + SLACK, server=server)
