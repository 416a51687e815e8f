"""Draining the outbox into the backend, and rebuilding an index from the database.

``reindex_schema`` refreshes the index in place; ``rebuild_schema`` (Elasticsearch) fills a new
index while search keeps reading the old one, swaps, then drains what was refused meanwhile.

Drain: rows due now are locked with ``SELECT … FOR UPDATE SKIP LOCKED`` (two workers never take
the same row), their objects are loaded through the providers (an object gone from the
database is deleted from the index), sent to the backend, and the rows are deleted only once
the backend confirmed. A failure keeps the rows with ``attempts`` + 1, the error, and the next
attempt pushed back exponentially (30 s, 60 s, … up to SEARCH_OUTBOX_MAX_BACKOFF_SECONDS).
A row queued while its object was being indexed is a different row: it is indexed next round,
so the index never keeps an older version than the database. Two drains (or a drain and a
reindex batch) holding rows of the same object would load and write it concurrently, and the
older load could be written last: each takes a transaction-scoped advisory lock per object
(``lock_objects``) before loading, so writes of one object happen in the order of their loads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tenants.db import connection

from .backends import SearchBackend, get_backend
from .contract import IndexEntry, Provider, provider_all_ids, providers
from .models import SearchOutbox

if TYPE_CHECKING:
    from .backends.elastic import ElasticsearchBackend

logger = logging.getLogger(__name__)
BACKOFF_BASE_SECONDS = 30


@dataclass
class DrainReport:
    indexed: int = 0
    deleted: int = 0
    failed: int = 0
    more: bool = False  # stopped at max_batches with rows still due: run again
    errors: list[str] = field(default_factory=list)


def providers_here(schema: str | None = None) -> dict[str, Provider]:
    """The providers whose app has tables in ``schema`` (public: shared apps; else tenant apps)."""
    schema = schema or connection.schema_name
    wanted = settings.SHARED_APPS if schema == "public" else settings.TENANT_APPS
    found = {}
    for kind, provider in providers().items():
        app = apps.get_containing_app_config(provider.__module__)
        # A provider outside any app (a test's) runs everywhere it is asked to.
        if app is None or app.name in wanted:
            found[kind] = provider
    return found


def backoff(attempts: int) -> timedelta:
    seconds = min(settings.SEARCH_OUTBOX_MAX_BACKOFF_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return timedelta(seconds=seconds)


def lock_objects(schema: str, by_kind: dict[str, list[int]]) -> None:
    """Transaction-scoped advisory locks on every (schema, kind, id), in one statement and a fixed
    order (so two callers never wait on each other in a cycle). Held until the caller's
    transaction ends, i.e. past the backend write."""
    keys = sorted(f"search:{schema}:{kind}:{object_id}" for kind, ids in by_kind.items() for object_id in set(ids))
    if not keys:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtextextended(key, 0))"
            " FROM unnest(%s::text[]) WITH ORDINALITY AS t(key, n) ORDER BY n) AS locked",
            [keys],
        )


def _load(kind: str, ids: list[int], known: dict[str, Provider]) -> tuple[list[IndexEntry], list[int]]:
    provider = known.get(kind)
    if provider is None:
        raise LookupError(f"no search provider for kind {kind!r} in this schema")
    entries = [entry for entry in provider(ids) if entry.object_id in set(ids)]
    present = {entry.object_id for entry in entries}
    return entries, [i for i in ids if i not in present]


def outbox_drain(
    *, backend: SearchBackend | None = None, batch: int | None = None, max_batches: int = 50
) -> DrainReport:
    """Drain the current schema's due outbox rows into the backend (see the module docstring)."""
    backend = backend or get_backend()
    batch = batch or settings.SEARCH_OUTBOX_BATCH
    schema = connection.schema_name
    known = providers_here(schema)
    report = DrainReport()
    for round_number in range(max_batches):
        with transaction.atomic():
            rows = list(
                SearchOutbox.objects.select_for_update(skip_locked=True)
                .filter(next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at", "id")[:batch]
            )
            if not rows:
                break
            by_kind: dict[str, list[int]] = {}
            for row in rows:
                ids = by_kind.setdefault(row.kind, [])
                if row.object_id not in ids:
                    ids.append(row.object_id)
            try:
                lock_objects(schema, by_kind)  # before loading: see the module docstring
                entries: list[IndexEntry] = []
                gone: list[tuple[str, int]] = []
                for kind, ids in by_kind.items():
                    found, missing = _load(kind, ids, known)
                    entries += found
                    gone += [(kind, object_id) for object_id in missing]
                # A savepoint: a PostgreSQL backend error must not abort the transaction that
                # records the failure on the rows.
                with transaction.atomic():
                    if entries:
                        backend.upsert(schema=schema, entries=entries)
                    if gone:
                        backend.delete(schema=schema, keys=gone)
            except Exception as exc:
                message = f"{type(exc).__name__}: {exc}"[:2000]
                logger.warning("search: outbox drain of %s failed: %s", schema, message)
                now = timezone.now()
                for row in rows:
                    row.attempts += 1
                    row.last_error = message
                    row.next_attempt_at = now + backoff(row.attempts)
                SearchOutbox.objects.bulk_update(rows, ["attempts", "last_error", "next_attempt_at"])
                report.failed += len(rows)
                report.errors.append(message)
                break  # the backend is down: try again later, do not hammer it
            SearchOutbox.objects.filter(pk__in=[row.pk for row in rows]).delete()
            report.indexed += len(entries)
            report.deleted += len(gone)
        if len(rows) < batch:
            break
        if round_number == max_batches - 1:
            report.more = True
    return report


Progress = Callable[[str, int, int], None]


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def reindex_schema(
    *, backend: SearchBackend | None = None, batch: int = 500, progress: Progress | None = None
) -> dict[str, int]:
    """Rebuild the current schema's index from the database, provider by provider, in batches
    (bulk upserts), then delete index entries whose objects are gone. Returns counts by kind."""
    backend = backend or get_backend()
    schema = connection.schema_name
    counts: dict[str, int] = {}
    for kind, provider in sorted(providers_here(schema).items()):
        all_ids = provider_all_ids(kind)
        ids = sorted(set(all_ids()) if all_ids is not None else backend.object_ids(schema=schema, kind=kind))
        done = 0
        present: set[int] = set()
        for chunk in _chunks(ids, batch):
            with transaction.atomic():  # the locks hold until this batch is written
                lock_objects(schema, {kind: chunk})
                entries = list(provider(chunk))
                if entries:
                    backend.upsert(schema=schema, entries=entries)
            present.update(entry.object_id for entry in entries)
            done += len(chunk)
            if progress:
                progress(kind, done, len(ids))
        backend.refresh(schema=schema)  # Elasticsearch: the scan must see every write so far
        stale = backend.object_ids(schema=schema, kind=kind) - present
        if stale:  # created (and indexed by a drain) after the list of ids was taken: not stale
            stale -= {entry.object_id for entry in provider(sorted(stale))}
        if stale:
            backend.delete(schema=schema, keys=[(kind, object_id) for object_id in stale])
        if progress and not ids:
            progress(kind, 0, 0)
        counts[kind] = len(present)
    backend.refresh(schema=schema)
    return counts


class RebuildRunning(Exception):
    """Another ``rebuild_schema`` of the same schema holds its lock (on any machine)."""


@contextmanager
def _rebuild_lock(schema: str) -> Iterator[None]:
    """A session advisory lock per schema, taken without waiting: two rebuilds started at the same
    instant would both find no leftover generation and both swap. Released when the rebuild ends,
    or by PostgreSQL when a crashed process's connection closes, so a generation left outside the
    alias while the lock is free is a crash's leftover, never a running rebuild's."""
    key = f"search-rebuild:{schema}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [key])
        (acquired,) = cursor.fetchone()
    if not acquired:
        raise RebuildRunning(f"another rebuild of schema {schema} is running")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [key])


def rebuild_schema(
    *,
    backend: SearchBackend | None = None,
    batch: int = 500,
    progress: Progress | None = None,
    discard_leftovers: bool = False,
) -> dict[str, int]:
    """Build the current schema's index afresh (current MAPPINGS/SETTINGS) without taking search
    down, then swap it in. Returns counts by kind.

    Elasticsearch (backends/elastic_indices.py): the current index gets a write block, a new
    generation is filled from the database while queries keep reading the old one, and one
    ``update_aliases`` call points the alias at the new index and deletes the old one. No update
    is lost: a drain deletes outbox rows only after the backend confirmed, and it loads objects
    before writing, so a write the old index accepted was loaded before the block, hence before
    this rebuild read the database; every later write is refused and its rows stay in the outbox.
    After the swap those rows are made due and drained here, into the new index. Search shows
    changes made during the rebuild only after the swap (it never goes empty, it lags).

    PostgreSQL: entries live in a table updated in transactions, so a rebuild is ``reindex_schema``.
    """
    from .backends.elastic import ElasticsearchBackend

    backend = backend or get_backend()
    if not isinstance(backend, ElasticsearchBackend):
        return reindex_schema(backend=backend, batch=batch, progress=progress)
    schema = connection.schema_name
    with _rebuild_lock(schema):
        return _rebuild_elastic(backend, schema, batch=batch, progress=progress, discard_leftovers=discard_leftovers)


def _rebuild_elastic(
    backend: ElasticsearchBackend, schema: str, *, batch: int, progress: Progress | None, discard_leftovers: bool
) -> dict[str, int]:
    rebuild = backend.begin_rebuild(schema=schema, discard_leftovers=discard_leftovers)
    counts: dict[str, int] = {}
    try:
        for kind, provider in sorted(providers_here(schema).items()):
            all_ids = provider_all_ids(kind)
            # Without all_ids a provider can only refresh what the (old) index holds.
            ids = sorted(set(all_ids()) if all_ids is not None else rebuild.object_ids(kind))
            done = 0
            for chunk in _chunks(ids, batch):
                entries = list(provider(chunk))
                rebuild.upsert(entries)
                counts[kind] = counts.get(kind, 0) + len(entries)
                done += len(chunk)
                if progress:
                    progress(kind, done, len(ids))
            counts.setdefault(kind, 0)
            if progress and not ids:
                progress(kind, 0, 0)
        rebuild.finish()
    except BaseException:
        rebuild.abort()
        raise
    # The writes refused during the rebuild wait in the outbox with a backoff: due now.
    now = timezone.now()
    SearchOutbox.objects.filter(next_attempt_at__gt=now).update(next_attempt_at=now)
    while outbox_drain(backend=backend).more:
        pass
    backend.refresh(schema=schema)
    return counts
