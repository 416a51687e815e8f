"""Transfer tests store letters (PDFs) and dossier documents: a private storage root per test,
since letter numbers repeat across the parallel test databases (tests/support/media.py)."""

from tests.support.media import private_media, real_media  # noqa: F401 (fixtures for this package)
