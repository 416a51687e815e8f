"""The search index: an outbox of pending updates, drained into the configured backend."""

from __future__ import annotations
