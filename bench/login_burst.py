"""A lecture hall signs in at the start of a meeting (issue 11): 100 sign-ins at once through a
real server (gunicorn, as `make run` serves) with the production password hasher
(services/accounts/hashers.py: Argon2id at OWASP's parameters, m = 19 MiB, t = 2, p = 1). The
figure is the time from the first request until all 100 have signed in; the companion figure is
the server's CPU time per sign-in (every process of the server, the password hash included).

Each phone (bench/phones.py: a plain keep-alive connection, the phones spread over a few
processes) loads the sign-in form first; then all 100 post it at one moment, agreed before they
start (the monotonic clock is the same in every process). A phone whose form came after that
moment fails the benchmark rather than start late."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import make_password
from django.db import connections
from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from bench.phones import Phone, in_processes
from bench.real_server import serving
from console.services import institution_create
from services.accounts.models import User
from tenants.db import connection

FIGURES = ("login_burst_100_s",)
PEOPLE = 100
HOST = "blogin.localhost"
PASSWORD = "Lotus-river-2026"  # noqa: S105 (the bench accounts' password)
LEAD_SECONDS = 10.0  # from the phones' start to the moment they all sign in: every form loaded by then


def _accounts() -> list[str]:
    """100 accounts, each with its own Argon2id hash of the password (own salt)."""
    users = [
        User(username=f"s{i:03d}", display_name=f"学生{i:03d}", password=make_password(PASSWORD)) for i in range(PEOPLE)
    ]
    User.objects.bulk_create(users)
    return [user.username for user in users]


# port, username, the moment every phone signs in
Job = tuple[int, str, float]


def _sign_in(job: Job) -> float:
    """The moment this phone was signed in."""
    port, username, at = job
    phone = Phone(port, HOST, {"X-Forwarded-For": f"10.12.{len(username)}.{int(username[1:]) + 1}"})
    try:
        assert phone.get("/accounts/login/").status == 200  # the form, and its CSRF cookie
        late = time.perf_counter() - at
        assert late < 0, f"the form came {late:.1f} s after the moment to sign in: raise LEAD_SECONDS"
        time.sleep(at - time.perf_counter())
        done = phone.post_form("/accounts/login/", {"username": username, "password": PASSWORD})
    finally:
        phone.close()
    assert done.status == 302 and done.location == "/", done.body[:500]
    return time.perf_counter()


def run() -> list[Figure]:
    with cleanup("blogin"):
        institution, _ = institution_create(code="blogin", name="登录基准大学", admin_password="Bench-pass-2026!")
        with schema_context(institution.schema_name):
            usernames = _accounts()
        connection.set_schema_to_public()
        with serving(HOST, TRUSTED_PROXY_COUNT="1") as server:
            at = time.perf_counter() + LEAD_SECONDS
            jobs = [(server.port, name, at) for name in usernames]
            connections.close_all()  # this thread's too: the phones' processes must not inherit it
            with ThreadPoolExecutor(max_workers=1) as runner:
                phones = runner.submit(in_processes, _sign_in, jobs)
                time.sleep(max(0.0, at - time.perf_counter()))
                cpu_before = server.cpu_seconds()  # from the moment they sign in: not the forms
                done = phones.result()
            cpu = server.cpu_seconds() - cpu_before
        assert not done.errors, f"{len(done.errors)} sign-ins failed, e.g. {done.errors[:3]}"
        return [
            ("login_burst_100_s", max(done.results) - at, "s"),
            ("login_cpu_ms_per_signin", cpu * 1000 / PEOPLE, "ms"),
        ]
