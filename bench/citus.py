"""Institutions on a Citus cluster (run by `make bench-citus`, which starts the local cluster and
points the benchmarks at its coordinator; on one server these figures are not produced):

- citus_provision_s: provisioning one institution, distributed to a worker (goal < 2 s);
- citus_member_list_p95_ms: the member list API with 20,000 members, through the coordinator
  (compare member_list_p95_ms of `make bench` on one server);
- citus_schema_move_s / citus_schema_move_errors: moving that institution to the other worker
  while a client keeps writing and reading it (goal: zero failed requests).
"""

from __future__ import annotations

import random
import statistics
import sys
import threading
import time
from functools import partial
from typing import Any

import psycopg2
from django.conf import settings
from django.test import Client

from bench.common import Figure, cleanup, timed
from bench.members_list import _seed
from console.services import institution_create
from tenants import citus
from tenants.db import connection

FIGURES = ("citus_provision_s", "citus_member_list_p95_ms", "citus_schema_move_s", "citus_schema_move_errors")
ROUNDS = 3
REQUESTS = 200


def _provision(code: str) -> None:
    institution_create(code=code, name=f"分布式基准{code}", admin_password="Bench-pass-2026!")


def _member_list_p95(branch_ids: list[int], token: str) -> float:
    client = Client(HTTP_HOST="bcitusm.localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    rng = random.Random(2)
    for _ in range(10):  # warm-up
        client.get(f"/api/members/?branch={branch_ids[0]}&limit=50")
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(f"/api/members/?branch={rng.choice(branch_ids)}&limit=50")
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.quantiles(samples, n=20)[18]


class _Load(threading.Thread):
    """A client writing a row and reading the member count, in a loop, through the coordinator."""

    def __init__(self, schema: str) -> None:
        super().__init__(daemon=True)
        self.schema = schema
        self.stop = threading.Event()
        self.requests = 0
        self.errors = 0

    def run(self) -> None:
        db: dict[str, Any] = settings.DATABASES["default"]
        raw = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432)
        raw.autocommit = True
        with raw.cursor() as cursor:
            while not self.stop.is_set():
                try:
                    cursor.execute(
                        f"INSERT INTO {self.schema}.django_session VALUES (%s, 'x', now() + interval '1 day')",
                        [f"bench-{self.requests}"],
                    )
                    cursor.execute(f"SELECT count(*) FROM {self.schema}.members_member")
                    cursor.fetchone()
                except psycopg2.Error:
                    self.errors += 1
                self.requests += 1
        raw.close()


def _move_under_load(schema: str) -> tuple[float, int, int]:
    (source,) = citus.schema_nodes(schema)
    with connection.cursor() as cursor:
        cursor.execute("SELECT node_name || ':' || node_port FROM citus_get_active_worker_nodes()")
        (target,) = {row[0] for row in cursor.fetchall()} - {source}
    load = _Load(schema)
    load.start()
    try:
        while load.requests < 20:
            time.sleep(0.05)
        started = time.monotonic()
        citus.move_schema(schema, target)
        elapsed = time.monotonic() - started
        during = load.requests
        while load.requests < during + 20:
            time.sleep(0.05)
    finally:
        load.stop.set()
        load.join(timeout=60)
    return elapsed, load.errors, load.requests


def run() -> list[Figure]:
    if not citus.enabled():
        print("citus figures: not on a Citus coordinator (run make bench-citus)", file=sys.stderr)
        return []
    with cleanup("bcitus"):
        provision = [timed(partial(_provision, f"bcitusp{i}")) for i in range(ROUNDS)]
        institution, _ = institution_create(code="bcitusm", name="分布式名册基准", admin_password="Bench-pass-2026!")
        branch_ids, token = _seed(institution.schema_name)
        p95 = _member_list_p95(branch_ids, token)
        move_s, errors, requests = _move_under_load(institution.schema_name)
    print(f"citus move: {requests} requests during the run, {errors} failed", file=sys.stderr)
    return [
        ("citus_provision_s", statistics.median(provision), "s"),
        ("citus_member_list_p95_ms", p95, "ms"),
        ("citus_schema_move_s", move_s, "s"),
        ("citus_schema_move_errors", float(errors), "requests"),
    ]
