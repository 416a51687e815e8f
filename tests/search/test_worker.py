"""Committed data: a real Celery worker drains the outbox after a commit, and two drains never
take the same row (SELECT … FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg2
import pytest
from django.db import connection, transaction

from services.members.models import Member
from services.search.backends import Query, Visibility, get_backend
from services.search.contract import IndexEntry, search_provider, unregister
from services.search.indexing import outbox_drain
from services.search.models import SearchEntry, SearchOutbox
from services.search.outbox import index_later, index_later_many
from tests.conftest import Institutions, in_schema
from tests.factories import MemberFactory
from tests.platform.celery_worker import celery_worker, wait_until


@pytest.fixture
def committed(django_db_blocker: Any, institutions: Institutions) -> Iterator[Institutions]:
    with django_db_blocker.unblock():
        yield institutions


def _indexed(name: str) -> bool:
    backend = get_backend()
    backend.refresh(schema=connection.schema_name)
    results = backend.search(
        schema=connection.schema_name, query=Query(text=name, visibility=Visibility(everything=True))
    )
    return [h.title for h in results.hits] == [name]


def test_a_real_worker_drains_the_outbox_after_the_commit(committed: Institutions) -> None:
    a = committed.a
    with in_schema(a):
        with celery_worker():
            with transaction.atomic():
                member = MemberFactory(name="令狐冲")
                index_later(kind="member", object_id=member.pk)  # kicks drain_outbox on commit
            try:
                wait_until(lambda: _indexed("令狐冲"), what="the worker to index the new member")
                wait_until(lambda: not SearchOutbox.objects.filter(object_id=member.pk).exists(), what="the row to go")
            finally:
                backend = get_backend()
                backend.delete(schema=a.schema_name, keys=[("member", member.pk)])
                SearchOutbox.objects.filter(kind="member", object_id=member.pk).delete()
                Member.objects.filter(pk=member.pk).delete()
                member.branch.delete()


def _lock_rows(dsn: dict[str, Any], schema: str, ids: list[int]) -> Any:
    other = psycopg2.connect(
        dbname=dsn["NAME"],
        user=dsn["USER"] or "postgres",
        host=dsn["HOST"],
        port=dsn["PORT"] or None,
        password=dsn["PASSWORD"] or None,
    )
    cursor = other.cursor()
    cursor.execute(f'SELECT id FROM "{schema}".search_searchoutbox WHERE id = ANY(%s) FOR UPDATE', [ids])
    return other


def test_rows_locked_by_another_drain_are_skipped_not_indexed_twice(committed: Institutions) -> None:
    a = committed.a
    seen: list[int] = []

    @search_provider("skiptest")
    def provider(ids):  # type: ignore[no-untyped-def]
        seen.extend(ids)
        return [IndexEntry(kind="skiptest", object_id=i, title=f"锁定测试{i}", body="", url="/") for i in ids]

    try:
        with in_schema(a):
            index_later_many(kind="skiptest", object_ids=[1, 2, 3, 4])
            rows = list(SearchOutbox.objects.filter(kind="skiptest").order_by("object_id"))
            other = _lock_rows(connection.settings_dict, a.schema_name, [rows[0].pk, rows[1].pk])
            try:
                report = outbox_drain(backend=get_backend("postgres"))
                assert sorted(seen) == [3, 4] and report.indexed == 2
                assert sorted(SearchOutbox.objects.filter(kind="skiptest").values_list("object_id", flat=True)) == [
                    1,
                    2,
                ]
            finally:
                other.rollback()
                other.close()
            outbox_drain(backend=get_backend("postgres"))
            assert sorted(seen) == [1, 2, 3, 4]
            assert not SearchOutbox.objects.filter(kind="skiptest").exists()
    finally:
        unregister("skiptest")
        with in_schema(a):
            SearchOutbox.objects.filter(kind="skiptest").delete()
            SearchEntry.objects.filter(kind="skiptest").delete()
