"""A private storage root per test: tests run in parallel (one process per xdist worker, each
with its own database but the same deployment storage root) and roll back their rows, so on a
shared root two workers could write, read and delete the same key (a letter number, a document
version). Packages whose tests store files re-export these fixtures from their conftest. A test
that needs a worker process, which reads the deployment's root, asks for ``real_media``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from services.storage.backends import get_storage


@pytest.fixture(autouse=True)
def private_media(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path) -> Iterator[Path]:
    if "real_media" in request.fixturenames:
        yield Path(settings.MEDIA_ROOT)
        return
    settings.MEDIA_ROOT = tmp_path / "media"
    get_storage.cache_clear()
    yield tmp_path / "media"
    get_storage.cache_clear()


@pytest.fixture
def real_media() -> None:
    """Keep the deployment's storage root (see ``private_media``)."""
