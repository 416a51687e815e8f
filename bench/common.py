"""Helpers shared by benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django_tenants.utils import schema_exists

from tenants.db import connection
from tenants.models import Institution
from tenants.provisioning import schema_drop

Figure = tuple[str, float, str]  # (name, value, unit), printed as "name: value unit"


def timed(func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def drop_institutions(prefix: str) -> None:
    """Remove every institution (row, domain, schema) whose code starts with ``prefix``."""
    connection.set_schema_to_public()
    for institution in Institution.objects.filter(code__startswith=prefix):
        schema = institution.schema_name
        institution.delete()
        if schema_exists(schema):
            schema_drop(schema)


@contextmanager
def cleanup(prefix: str) -> Iterator[None]:
    drop_institutions(prefix)
    try:
        yield
    finally:
        drop_institutions(prefix)


def timed_gets(client: Any, urls: list[str], *, warm_up: int = 5) -> list[float]:
    """Milliseconds of each GET of ``urls`` through ``client`` (a Django test client), after
    ``warm_up`` untimed ones; a response other than 200 fails the benchmark."""
    for url in urls[:warm_up]:
        client.get(url)
    timings = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
    return timings
