"""With PostgreSQL unreachable, pages answer a Chinese 503 page and the API its JSON error, with a
Retry-After header, logged once; when it is reachable again, requests answer as before without a
restart.

Reproduction: with PostgreSQL down every request answered 500 (the routing middleware reads the
institution registry first). Here a real app server reaches the test database through a loopback
port that the test cuts (every connection dropped, new ones closed at once) and restores.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg2
import pytest
from django.db import OperationalError, connection, transaction

from partycloud import outages
from tenants.models import Institution
from tests.conftest import Institutions, host_of
from tests.support.processes import AppServer, Reply, StartError, app_env, free_port, start_app_server
from tests.support.tcp import TcpProxy, postgres_upstream

pytestmark = pytest.mark.django_db

UNAVAILABLE = "系统暂时无法访问数据库，请稍后重试。"
BOGUS_TOKEN = {"Authorization": "Bearer pc_not-a-real-token"}  # looked up in the database, then refused


@pytest.fixture
def database_path() -> Iterator[TcpProxy]:
    db = connection.settings_dict
    with TcpProxy(postgres_upstream(str(db["HOST"]), str(db["PORT"]))) as proxy:
        yield proxy


@pytest.fixture
def server(database_path: TcpProxy) -> Iterator[AppServer]:
    db = connection.settings_dict
    url = f"postgresql://{db['USER'] or 'postgres'}@127.0.0.1:{database_path.port}/{db['NAME']}"
    try:
        # One worker: "logged once" is per process.
        server = start_app_server(app_env(url), workers=1, threads=4)
    except StartError as exc:
        pytest.fail(f"could not start the app server: {exc!r}: {exc.__cause__}")
    yield server
    server.stop()


def get(server: AppServer, institution: Institution | None, path: str, **headers: str) -> Reply:
    return server.get(path, host=host_of(institution), headers=headers, timeout=30)


def test_pages_and_the_api_answer_503_while_the_database_is_unreachable_and_recover_after(
    server: AppServer, database_path: TcpProxy, institutions: Institutions
) -> None:
    a, b = institutions.a, institutions.b
    assert get(server, a, "/api/members/", **BOGUS_TOKEN).status == 401  # reached the database

    database_path.cut()
    replies = {
        # b's route is not cached yet: the routing middleware reads the institution registry.
        "page, routing": get(server, b, "/"),
        "api": get(server, a, "/api/members/", **BOGUS_TOKEN),
        "console api": get(server, None, "/api/institutions/", **BOGUS_TOKEN),
        "api again": get(server, a, "/api/members/?limit=5", **BOGUS_TOKEN),
    }
    for what, reply in replies.items():
        assert reply.status == 503, f"{what}: HTTP {reply.status} {reply.body[:300]!r}"
        assert int(reply.headers["Retry-After"]) > 0, what
    page = replies["page, routing"]
    assert page.headers["Content-Type"].startswith("text/html")
    assert UNAVAILABLE in page.body.decode()
    for what in ("api", "console api", "api again"):
        assert replies[what].json() == {"detail": UNAVAILABLE, "code": "service_unavailable"}, what

    log = server.log()
    assert log.count("database unavailable") == 1, log
    assert "Traceback" not in log, log

    database_path.restore()
    assert wait_for_status(server, a, "/api/members/", 401), server.log()
    assert "database reachable again" in server.log()


def wait_for_status(server: AppServer, institution: Institution, path: str, status: int) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if get(server, institution, path, **BOGUS_TOKEN).status == status:
            return True
        time.sleep(0.2)
    return False


def test_a_refused_connection_is_an_outage_but_a_query_cancelled_by_its_timeout_is_not() -> None:
    """A statement timeout (or a deadlock) is an error of that request, still a 500 with its
    traceback logged; only "the server cannot serve you" is a 503."""
    with pytest.raises(psycopg2.OperationalError) as refused:
        psycopg2.connect(host="127.0.0.1", port=free_port(), dbname="partycloud", connect_timeout=5)
    assert outages.is_database_unavailable(refused.value)

    with pytest.raises(OperationalError) as cancelled, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 1")
        cursor.execute("SELECT pg_sleep(5)")
    assert not outages.is_database_unavailable(cancelled.value)
