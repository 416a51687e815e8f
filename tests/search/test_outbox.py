"""The outbox never loses an update: member writes add rows in their own transaction, a drain
indexes them and deletes the rows only once the backend confirmed; a backend that is down keeps
the rows (attempts, error, backoff) until a later drain catches up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from services.members.models import Member
from services.members.services import member_create, member_status_change, member_update
from services.search.backends import Visibility, get_backend
from services.search.backends.elastic import ElasticsearchBackend
from services.search.indexing import backoff, outbox_drain
from services.search.models import SearchOutbox
from services.search.outbox import index_later, index_later_many
from tests.conftest import in_schema, make_user
from tests.factories import MemberFactory, _national_id
from tests.search.helpers import branch

EVERYTHING = Visibility(everything=True)


def _found(q: str) -> list[str]:
    from services.search.backends import Query

    backend = get_backend()
    backend.refresh(schema=connection.schema_name)
    backend.refresh(schema="public")
    return [
        h.title for h in backend.search(schema=connection.schema_name, query=Query(text=q, visibility=EVERYTHING)).hits
    ]


def _rows(member: Member) -> int:
    return SearchOutbox.objects.filter(kind="member", object_id=member.pk).count()


@pytest.fixture
def admin(inst_a):
    return make_user(inst_a, username="outbox_admin", is_superuser=True)


def _create(admin, name: str) -> Member:
    return member_create(
        acting_user=admin,
        name=name,
        national_id=_national_id(),
        branch=branch("outbox支部"),
        category=Member.Category.STUDENT,
    )


def test_a_member_write_queues_an_outbox_row_in_the_same_transaction(inst_a, admin) -> None:
    with in_schema(inst_a):
        member = _create(admin, "欧阳锋")
        assert _rows(member) == 1
        member_update(member=member, acting_user=admin, name="欧阳克")
        member_status_change(
            member=Member.objects.get(pk=member.pk),
            to_status=Member.Status.MOBILE,
            on_date=timezone.localdate(),
            reason="外出务工",
            acting_user=admin,
        )
        assert _rows(member) == 3


def test_write_drain_find_update_reindex_delete_gone(backend, inst_a, admin) -> None:
    with in_schema(inst_a):
        member = _create(admin, "黄药师")
        report = outbox_drain()
        assert report.indexed == 1 and _rows(member) == 0
        assert _found("黄药师") == ["黄药师"]

        member_update(member=member, acting_user=admin, name="黄老邪")
        outbox_drain()
        assert _found("黄老邪") == ["黄老邪"]
        assert _found("黄药师") == []

        member_id = member.pk
        Member.objects.filter(pk=member_id).delete()
        index_later(kind="member", object_id=member_id)
        report = outbox_drain()
        assert report.deleted == 1
        assert _found("黄老邪") == []
        assert not SearchOutbox.objects.exists()


def test_when_the_backend_is_down_rows_stay_with_attempts_and_catch_up_later(settings, inst_a, admin) -> None:
    """Elasticsearch pointed at a closed port (nothing listens on 127.0.0.1:9)."""
    down = ElasticsearchBackend(url="http://127.0.0.1:9", prefix="pcdown")
    with in_schema(inst_a):
        member = _create(admin, "洪七公")
        report = outbox_drain(backend=down)
        assert report.failed == 1 and report.indexed == 0
        row = SearchOutbox.objects.get(kind="member", object_id=member.pk)
        assert row.attempts == 1 and "Connection" in row.last_error
        assert row.next_attempt_at > timezone.now() + timedelta(seconds=20)

        # Not due yet: a drain right away leaves it alone, even with a working backend.
        assert outbox_drain().indexed == 0 and _rows(member) == 1

        SearchOutbox.objects.update(next_attempt_at=timezone.now())
        outbox_drain(backend=down)
        assert SearchOutbox.objects.get(pk=row.pk).attempts == 2

        SearchOutbox.objects.update(next_attempt_at=timezone.now())
        assert outbox_drain().indexed == 1
        assert _rows(member) == 0
        assert _found("洪七公") == ["洪七公"]


def test_a_real_postgres_failure_keeps_the_rows_and_the_transaction_usable(settings, inst_a, admin) -> None:
    settings.SEARCH_BACKEND = "postgres"
    with in_schema(inst_a):
        member = _create(admin, "段智兴")
        schema = connection.ops.quote_name(connection.schema_name)
        with connection.cursor() as cursor:  # the index table is gone for a moment
            cursor.execute(f"ALTER TABLE {schema}.search_searchentry RENAME TO search_searchentry_away")
        report = outbox_drain()
        assert report.failed == 1 and "search_searchentry" in report.errors[0]
        assert SearchOutbox.objects.get(kind="member", object_id=member.pk).attempts == 1
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {schema}.search_searchentry_away RENAME TO search_searchentry")
        SearchOutbox.objects.update(next_attempt_at=timezone.now())
        assert outbox_drain().indexed == 1
        assert _found("段智兴") == ["段智兴"]


def test_backoff_doubles_up_to_the_limit(settings) -> None:
    settings.SEARCH_OUTBOX_MAX_BACKOFF_SECONDS = 3600
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 7, 8, 20)] == [30, 60, 120, 1920, 3600, 3600]


def test_index_later_many_queues_each_object_once(inst_a) -> None:
    with in_schema(inst_a):
        assert index_later_many(kind="member", object_ids=[3, 1, 3, 2, 1]) == 3
        assert sorted(SearchOutbox.objects.values_list("object_id", flat=True)) == [1, 2, 3]
        assert index_later_many(kind="member", object_ids=[]) == 0


def test_an_object_queued_twice_is_indexed_once_and_both_rows_go(backend, inst_a) -> None:
    with in_schema(inst_a):
        member = MemberFactory(name="周伯通")
        index_later(kind="member", object_id=member.pk)
        index_later(kind="member", object_id=member.pk)
        report = outbox_drain()
        assert report.indexed == 1 and _rows(member) == 0


def test_a_kind_without_provider_is_kept_with_the_error(inst_a) -> None:
    with in_schema(inst_a):
        index_later(kind="no-such-kind", object_id=1)
        report = outbox_drain()
        row = SearchOutbox.objects.get()
        assert report.failed == 1 and row.attempts == 1 and "no-such-kind" in row.last_error


def test_a_drain_stops_at_its_batch_limit_and_says_there_is_more(inst_a) -> None:
    with in_schema(inst_a):
        members = [MemberFactory(name=f"批量{i}") for i in range(5)]
        index_later_many(kind="member", object_ids=[m.pk for m in members])
        first = outbox_drain(batch=2, max_batches=2)
        assert first.indexed == 4 and first.more
        assert SearchOutbox.objects.count() == 1
        second = outbox_drain(batch=2, max_batches=2)
        assert second.indexed == 1 and not second.more


def test_the_public_outbox_is_drained_into_the_public_index_seen_by_institutions(backend, inst_a) -> None:
    from services.search.contract import IndexEntry, search_provider, unregister
    from services.search.tasks import drain_public_outbox

    @search_provider("pubtest")
    def provider(ids):  # type: ignore[no-untyped-def]
        return [IndexEntry(kind="pubtest", object_id=i, title="全市党建工作要点", body="", url="/") for i in ids]

    try:
        with in_schema("public"):
            index_later(kind="pubtest", object_id=5)
        assert drain_public_outbox() == {"indexed": 1, "deleted": 0, "failed": 0}
        with in_schema("public"):
            assert not SearchOutbox.objects.exists()
        with in_schema(inst_a):
            assert _found("党建工作要点") == ["全市党建工作要点"]
    finally:
        unregister("pubtest")


def test_with_eager_tasks_the_kick_drains_inline_and_keeps_the_schema(settings, inst_a) -> None:
    from services.search.outbox import kick

    settings.CELERY_TASK_ALWAYS_EAGER = True
    with in_schema(inst_a):
        member = MemberFactory(name="任盈盈")
        index_later(kind="member", object_id=member.pk)
        kick(connection.schema_name)
        assert connection.schema_name == inst_a.schema_name
        assert _rows(member) == 0 and _found("任盈盈") == ["任盈盈"]
