"""Demo data for search: the demo institutions (and the public schema) are indexed from what
the other capabilities seeded. Idempotent: a rebuild replaces entries, it never duplicates.
Capabilities seeded after this one queue their own outbox rows, which the worker drains."""

from __future__ import annotations

import random

from tenants.models import Institution

from .indexing import outbox_drain, reindex_schema


def seed_public() -> None:
    reindex_schema()


def seed_institution(*, institution: Institution, rng: random.Random) -> None:
    reindex_schema()
    outbox_drain()  # rows queued by the seeding itself (members created through services)
