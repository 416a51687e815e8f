"""The Citus suite runs only against a Citus coordinator: `make test-citus` (deploy/citus/cluster.py
test) builds Citus from PARTYCLOUD_CITUS_SOURCE, starts a coordinator and two workers on
loopback, creates the test database with Citus on every node and runs this directory with
PARTYCLOUD_CITUS=1. Anywhere else (`make test`) every test here is skipped at collection, saying
why, so the normal suite neither runs nor waits for it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

HERE = Path(__file__).parent


def _reason() -> str:
    if os.environ.get("PARTYCLOUD_CITUS_SOURCE") or os.environ.get("PARTYCLOUD_CITUS_PG_BIN"):
        return "the Citus suite runs on the cluster: `make test-citus` (PARTYCLOUD_CITUS is not set here)"
    return (
        "no Citus: set PARTYCLOUD_CITUS_SOURCE to a Citus source tarball (or PARTYCLOUD_CITUS_PG_BIN to a "
        "PostgreSQL with Citus) and run `make test-citus`"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if getattr(settings, "DATABASE_CITUS", False):
        return
    skip = pytest.mark.skip(reason=_reason())
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(skip)
