"""The indexing outbox (placeholder: services/search replaces this with the real outbox)."""

from __future__ import annotations


def index_later(*, kind: str, object_id: int) -> None:
    """Queue ``kind``/``object_id`` for (re)indexing in the caller's transaction."""
