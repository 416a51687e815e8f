"""Institutions on a Citus cluster (run by `make bench-citus`, which first runs the single-node
figures they are compared with on the embedded server, then starts the local cluster and points
these at its coordinator; on one server these figures are not produced):

- citus_provision_s: provisioning one institution, distributed to a worker (goal < 2 s), with the
  pool of spare schemas a deployment keeps (tenants/spares.py: one is renamed); compare
  provision_clone_s. citus_provision_replay_s: the same with no spare ready (the template
  snapshot replayed statement by statement, as when the pool is empty);
- citus_member_list_p95_ms: the member list API with 20,000 members, through the coordinator
  (bench/members_list.py's requests); compare member_list_p95_ms;
- citus_routing_overhead_pct: throughput lost to host routing on the trivial endpoint, on the
  coordinator (bench/routing.py); compare routing_overhead_pct;
- citus_schema_move_s / citus_schema_move_errors: moving that institution to the other worker
  while phones keep reading and writing it through the application's own server (gunicorn, as
  `make run` serves it; bench/real_server.py): a page of the member list, a change to a member's
  record, and that record read back, in a loop (goal: zero failed requests, and no change lost:
  afterwards every record holds the last change its phone was told was saved);
  citus_schema_move_requests is how many requests were served during the move and
  citus_schema_move_slowest_ms the longest one (the switch-over's lock).
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from functools import partial

from django.test import override_settings
from django_tenants.utils import schema_context

from bench import members_list, routing
from bench.common import Figure, cleanup, timed
from bench.members_list import seed
from bench.phones import Phone
from bench.real_server import Server, serving
from console.services import institution_create
from services.members.models import Member
from tenants import citus, spares
from tenants.db import connection

FIGURES = (
    "citus_provision_s",
    "citus_member_list_p95_ms",
    "citus_routing_overhead_pct",
    "citus_schema_move_s",
    "citus_schema_move_errors",
)
ROUNDS = 3
REQUESTS = 200
PHONES = 4
HOST = "bcitusm.localhost"


def _provision(code: str) -> None:
    institution_create(code=code, name=f"分布式基准{code}", admin_password="Bench-pass-2026!")


class _Phones:
    """PHONES clients of the institution on the real server, each looping over its own member:
    a page of the branch's members, a change of the member's native place, the record read back
    (it must hold the change). Every answer but a 200 with the expected content is an error."""

    def __init__(self, server: Server, token: str, members: list[tuple[int, int]]) -> None:
        self.server, self.token, self.members = server, token, members
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.requests = 0
        self.errors: list[str] = []
        self.timings: list[tuple[float, float]] = []  # (when it ended, seconds)
        self.saved: dict[int, str] = {}  # member -> the last change its phone was told was saved
        self.threads = [threading.Thread(target=self._loop, args=(m,), daemon=True) for m in members]

    def _count(self, answer_took: float, error: str | None = None) -> None:
        with self.lock:
            self.requests += 1
            self.timings.append((time.monotonic(), answer_took))
            if error is not None:
                self.errors.append(error)

    def _loop(self, member: tuple[int, int]) -> None:
        member_id, branch_id = member
        phone = Phone(self.server.port, self.server.host, {"Authorization": f"Bearer {self.token}"})
        turn = 0
        while not self.stop.is_set():
            turn += 1
            value = f"籍贯-{member_id}-{turn}"
            steps = (
                ("GET", f"/api/members/?branch={branch_id}&limit=50", b"", None),
                ("PATCH", f"/api/members/{member_id}/", json.dumps({"native_place": value}).encode(), value),
                ("GET", f"/api/members/{member_id}/", b"", value),
            )
            for method, path, body, expected in steps:
                try:
                    answer = phone.request(method, path, body, {"Content-Type": "application/json"})
                except OSError as exc:
                    self._count(0.0, f"{method} {path}: {exc!r}")
                    phone = Phone(self.server.port, self.server.host, {"Authorization": f"Bearer {self.token}"})
                    continue
                error = None
                if answer.status != 200:
                    error = f"{method} {path}: {answer.status} {answer.body[:200]!r}"
                elif expected is not None and json.loads(answer.body).get("native_place") != expected:
                    error = f"{method} {path}: the record does not hold the change just saved"
                elif method == "PATCH":
                    self.saved[member_id] = value
                self._count(answer.took, error)
        phone.close()

    def __enter__(self) -> _Phones:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def wait_for(self, count: int) -> None:
        while self.requests < count and not self.stop.is_set():
            time.sleep(0.05)


def _move_under_load(schema: str, token: str) -> tuple[float, list[str], int, float]:
    """Move ``schema`` to the other worker while the phones use it; returns the move's seconds,
    the errors, the requests served during the move and the slowest of them (ms)."""
    (source,) = citus.schema_nodes(schema)
    (target,) = set(citus.worker_nodes()) - {source}
    with schema_context(schema):
        members = list(Member.objects.order_by("pk").values_list("pk", "branch_id")[:PHONES])
    connection.set_schema_to_public()
    with serving(HOST) as server, _Phones(server, token, members) as phones:
        phones.wait_for(30)  # every phone has been served: connections open, workers warm
        started = time.monotonic()
        citus.move_schema(schema, target)
        ended = time.monotonic()
        during = [took for at, took in list(phones.timings) if started <= at <= ended + 0.001]
        phones.wait_for(phones.requests + 30)  # and the phones keep being served afterwards
    assert citus.schema_nodes(schema) == [target], citus.schema_nodes(schema)
    with schema_context(schema):
        held = dict(Member.objects.filter(pk__in=phones.saved).values_list("pk", "native_place"))
    connection.set_schema_to_public()
    lost = [
        f"member {pk}: {held.get(pk)!r}, saved {value!r}" for pk, value in phones.saved.items() if held.get(pk) != value
    ]
    return ended - started, phones.errors + lost, len(during), max(during, default=0.0) * 1000


def _routing_overhead() -> float:
    """bench/routing.py's figure, measured here on the coordinator."""
    (figure,) = [value for name, value, _ in routing.run() if name == "routing_overhead_pct"]
    return figure


def run() -> list[Figure]:
    if not citus.enabled():
        print("citus figures: not on a Citus coordinator (run make bench-citus)", file=sys.stderr)
        return []
    with cleanup("bcitus"):
        replay = [timed(partial(_provision, f"bcitusr{i}")) for i in range(ROUNDS)]
        with override_settings(CITUS_SPARE_SCHEMAS=ROUNDS):
            spares.spares_refill()  # what the refill task keeps ready, built before the clock
            provision = [timed(partial(_provision, f"bcitusp{i}")) for i in range(ROUNDS)]
        institution, _ = institution_create(code="bcitusm", name="分布式名册基准", admin_password="Bench-pass-2026!")
        branch_ids, token = seed(institution.schema_name)
        _, p95 = members_list.measure(HOST, branch_ids, token)
        routing_pct = _routing_overhead()
        move_s, errors, served, slowest = _move_under_load(institution.schema_name, token)
    print(f"citus provisioning: {', '.join(f'{t:.2f}' for t in provision)} s (replaying:"
          f" {', '.join(f'{t:.2f}' for t in replay)} s)", file=sys.stderr)  # fmt: skip
    print(f"citus move: {served} requests during the move, {len(errors)} failed {errors[:3]}", file=sys.stderr)
    return [
        ("citus_provision_s", statistics.median(provision), "s"),
        ("citus_provision_replay_s", statistics.median(replay), "s"),
        ("citus_member_list_p95_ms", p95, "ms"),
        ("citus_routing_overhead_pct", routing_pct, "%"),
        ("citus_schema_move_s", move_s, "s"),
        ("citus_schema_move_errors", float(len(errors)), "requests"),
        ("citus_schema_move_requests", float(served), "requests"),
        ("citus_schema_move_slowest_ms", slowest, "ms"),
    ]
