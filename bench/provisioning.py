"""Provisioning one institution end to end (row, domain, schema, first administrator):
by cloning the template schema vs by replaying every migration. Goal: clone under 1 s."""

from __future__ import annotations

import statistics
from functools import partial
from unittest import mock

from bench.common import Figure, cleanup, timed
from console.services import institution_create
from tenants import provisioning

FIGURES = ("provision_clone_s", "provision_migrate_s")
ROUNDS = 5


def _provision(code: str) -> None:
    institution_create(code=code, name=f"基准学校{code}", admin_password="Bench-pass-2026!")


def run() -> list[Figure]:
    clone, migrate = [], []
    with cleanup("bprov"):
        for i in range(ROUNDS):
            clone.append(timed(partial(_provision, f"bprovc{i}")))
            # Same service, schema built by migrations instead of the clone.
            with mock.patch.object(provisioning, "schema_create_by_clone", provisioning.schema_create_by_migrations):
                migrate.append(timed(partial(_provision, f"bprovm{i}")))
    return [
        ("provision_clone_s", statistics.median(clone), "s"),
        ("provision_migrate_s", statistics.median(migrate), "s"),
    ]
