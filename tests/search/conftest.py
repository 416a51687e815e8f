"""Search test fixtures: ``backend`` runs a test once per available backend and makes it the
configured one: PostgreSQL always; Elasticsearch when ELASTICSEARCH_TEST_URL (what `make test`
passes for the node it starts) or ELASTICSEARCH_URL is set, else that half is skipped with the
reason.

PostgreSQL entries live in the test's rolled-back transaction. Elasticsearch is outside it: each
test gets its own index prefix and its indexes are deleted afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from services.search.backends import SearchBackend, get_backend

ES_URL = os.environ.get("ELASTICSEARCH_TEST_URL") or os.environ.get("ELASTICSEARCH_URL") or ""
SESSION = uuid.uuid4().hex[:8]


@pytest.fixture(params=["postgres", "elasticsearch"])
def backend(request: pytest.FixtureRequest, settings: Any, institutions: Any, db: None) -> Iterator[SearchBackend]:
    settings.SEARCH_BACKEND = request.param
    if request.param == "elasticsearch":
        if not ES_URL:
            pytest.skip("no Elasticsearch node: set ELASTICSEARCH_TEST_URL or ELASTICSEARCH_URL")
        settings.ELASTICSEARCH_URL = ES_URL
        settings.SEARCH_ES_INDEX_PREFIX = f"pctest-{SESSION}-{uuid.uuid4().hex[:8]}"
    chosen = get_backend()
    yield chosen
    if request.param == "elasticsearch":
        for schema in (institutions.a.schema_name, institutions.b.schema_name, "public"):
            chosen.drop(schema=schema)
