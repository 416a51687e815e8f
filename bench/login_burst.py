"""A lecture hall signs in at the start of a meeting (issue 11): 100 sign-ins at once through a
real server (gunicorn, as `make run` serves) with the production password hasher
(services/accounts/hashers.py: Argon2id at OWASP's parameters, m = 19 MiB, t = 2, p = 1). The
figure is the time from the first request until all 100 have signed in; the companion figure is
the server's CPU time per sign-in (every process of the server, the password hash included)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import make_password
from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from bench.real_server import Server, csrf_token, serving
from console.services import institution_create
from services.accounts.models import User
from tenants.db import connection

FIGURES = ("login_burst_100_s",)
PEOPLE = 100
HOST = "blogin.localhost"
PASSWORD = "Lotus-river-2026"  # noqa: S105 (the bench accounts' password)


def _accounts() -> list[str]:
    """100 accounts, each with its own Argon2id hash of the password (own salt)."""
    users = [
        User(username=f"s{i:03d}", display_name=f"学生{i:03d}", password=make_password(PASSWORD)) for i in range(PEOPLE)
    ]
    User.objects.bulk_create(users)
    return [user.username for user in users]


def _sign_in(server: Server, username: str, ready: threading.Barrier) -> float:
    client = server.session(**{"X-Forwarded-For": f"10.12.{len(username)}.{int(username[1:]) + 1}"})
    token = csrf_token(client, server, "/accounts/login/")
    ready.wait(timeout=300)
    response = client.post(
        server.base + "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        allow_redirects=False,
        timeout=120,
    )
    assert response.status_code == 302 and response.headers["Location"] == "/", response.text[:500]
    return time.perf_counter()


def run() -> list[Figure]:
    with cleanup("blogin"):
        institution, _ = institution_create(code="blogin", name="登录基准大学", admin_password="Bench-pass-2026!")
        with schema_context(institution.schema_name):
            usernames = _accounts()
        connection.set_schema_to_public()
        with serving(HOST, TRUSTED_PROXY_COUNT="1") as server:
            ready = threading.Barrier(PEOPLE + 1)
            with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
                futures = [pool.submit(_sign_in, server, name, ready) for name in usernames]
                ready.wait(timeout=300)  # every form loaded: the 100 sign-ins go at once
                cpu_before, started = server.cpu_seconds(), time.perf_counter()
                finished = max(future.result() for future in futures)
            cpu = server.cpu_seconds() - cpu_before
        return [
            ("login_burst_100_s", finished - started, "s"),
            ("login_cpu_ms_per_signin", cpu * 1000 / PEOPLE, "ms"),
        ]
