"""Writes of one object reach the index in the order they were loaded: a drain and a reindex
batch hold a transaction-scoped advisory lock per object from before loading until the write
is done, and a reindex never deletes an object that was created (and indexed) while it ran."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from services.members.models import Member
from services.search.backends import Query, Visibility
from services.search.backends.postgres import PostgresBackend
from services.search.contract import IndexEntry
from services.search.indexing import outbox_drain, reindex_schema
from services.search.outbox import index_later_many
from tests.conftest import in_schema
from tests.factories import MemberFactory


class LockRecordingBackend(PostgresBackend):
    """The real PostgreSQL backend; each write first notes which advisory locks its connection holds."""

    def __init__(self) -> None:
        super().__init__()
        self.locks_during_writes: list[int] = []

    def upsert(self, *, schema: str, entries: Sequence[IndexEntry]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted"
                " AND objsubid = 1"  # bigint keys, ours: Citus takes its own (shard) advisory locks too
            )
            self.locks_during_writes.append(cursor.fetchone()[0])
        super().upsert(schema=schema, entries=entries)


def test_a_drain_holds_one_lock_per_object_while_it_writes(inst_a: Any) -> None:
    with in_schema(inst_a):
        members = [MemberFactory(name=name) for name in ("洪七公", "欧阳锋", "段智兴")]
        index_later_many(kind="member", object_ids=[m.pk for m in members] + [members[0].pk])
        backend = LockRecordingBackend()
        assert outbox_drain(backend=backend).indexed == 3
        assert backend.locks_during_writes == [3]  # one per object, the queued-twice one once


def test_a_reindex_batch_holds_the_locks_of_its_objects_while_it_writes(inst_a: Any) -> None:
    with in_schema(inst_a):
        count = Member.objects.count() + 2
        MemberFactory(name="一灯")
        MemberFactory(name="周伯通")
        backend = LockRecordingBackend()
        reindex_schema(backend=backend, batch=500)
        assert backend.locks_during_writes[0] == count  # the member batch: every member locked


def test_an_object_created_and_indexed_during_a_reindex_is_not_deleted_as_stale(backend: Any, inst_a: Any) -> None:
    with in_schema(inst_a):
        MemberFactory(name="王重阳")
        arrived: list[Member] = []

        def meanwhile(kind: str, done: int, total: int) -> None:
            # After the reindex read its list of members: a new one is written and drained.
            if kind == "member" and not arrived:
                arrived.append(MemberFactory(name="林朝英"))
                index_later_many(kind="member", object_ids=[arrived[0].pk])
                outbox_drain(backend=backend)

        reindex_schema(backend=backend, progress=meanwhile)
        backend.refresh(schema=connection.schema_name)
        hits = backend.search(
            schema=connection.schema_name, query=Query(text="林朝英", visibility=Visibility(everything=True))
        ).hits
        assert [hit.object_id for hit in hits] == [arrived[0].pk]
