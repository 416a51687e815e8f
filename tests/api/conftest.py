"""Fixtures of the cross-cutting API tests: a private storage root per test (documents store files)."""

from __future__ import annotations

from tests.support.media import private_media, real_media  # noqa: F401 (fixtures for this package)
