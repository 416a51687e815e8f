"""Elasticsearch reads and writes go through an alias per schema over a versioned concrete index;
``reindex --rebuild`` fills a new generation while search reads the old one, swaps the alias in
one call and deletes the old index; updates made meanwhile are refused by the old index, stay in
the outbox and land in the new one; the old one-index layout is migrated by a rebuild; ``drop``
removes everything. A real node (ELASTICSEARCH_TEST_URL), never a mock."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from services.members.services import member_update
from services.search.backends import BackendUnavailable, Query, SearchBackend, Visibility, elastic_indices, get_backend
from services.search.backends.elastic import MAPPINGS, SETTINGS, ElasticsearchBackend
from services.search.backends.elastic_indices import RebuildConflict, create_alias_if_missing, generation_name
from services.search.contract import IndexEntry, search_provider, unregister
from services.search.indexing import outbox_drain, rebuild_schema
from services.search.models import SearchOutbox
from services.search.outbox import index_later
from tests.conftest import in_schema, make_user
from tests.factories import MemberFactory
from tests.search.conftest import ES_URL, SESSION

KIND = "aliastest"


@pytest.fixture
def es(settings: Any, institutions: Any, db: None) -> Iterator[ElasticsearchBackend]:
    if not ES_URL:
        pytest.skip("no Elasticsearch node: set ELASTICSEARCH_TEST_URL or ELASTICSEARCH_URL")
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = ES_URL
    settings.SEARCH_ES_INDEX_PREFIX = f"pctest-{SESSION}-{uuid.uuid4().hex[:8]}"
    backend = get_backend()
    assert isinstance(backend, ElasticsearchBackend)
    yield backend
    for schema in (institutions.a.schema_name, institutions.b.schema_name, "public"):
        backend.drop(schema=schema)


@pytest.fixture
def store() -> Iterator[dict[int, str]]:
    """A provider over a dict (object id → title) that the test changes at will."""
    objects: dict[int, str] = {}

    def entries(ids: Iterable[int]) -> list[IndexEntry]:
        return [IndexEntry(kind=KIND, object_id=i, title=objects[i], body="", url="/") for i in ids if i in objects]

    search_provider(KIND, all_ids=lambda: list(objects))(entries)
    yield objects
    unregister(KIND)


def _entry(object_id: int, title: str) -> IndexEntry:
    return IndexEntry(kind=KIND, object_id=object_id, title=title, body="", url="/")


def _titles(backend: SearchBackend, q: str, schema: str | None = None) -> list[str]:
    schema = schema or connection.schema_name
    backend.refresh(schema=schema)
    found = backend.search(schema=schema, query=Query(text=q, visibility=Visibility(everything=True), limit=100))
    return sorted(hit.title for hit in found.hits)


def _aliased(backend: ElasticsearchBackend, schema: str) -> list[str]:
    """The concrete indices the alias points at (asked of the node directly)."""
    alias = backend.index_name(schema)
    if not backend.client.indices.exists_alias(name=alias):
        return []
    return sorted(backend.client.indices.get_alias(name=alias))


def _exists(backend: ElasticsearchBackend, name: str) -> bool:
    return bool(backend.client.indices.exists(index=name))


def test_the_first_write_creates_an_alias_over_generation_one(es, inst_a) -> None:
    schema = inst_a.schema_name
    alias = es.index_name(schema)
    assert not _exists(es, alias)
    es.upsert(schema=schema, entries=[_entry(1, "组织生活会通知")])
    assert _aliased(es, schema) == [generation_name(alias, 1)]
    assert not es.layout(schema=schema).old_layout
    with in_schema(inst_a):
        assert _titles(es, "组织生活会") == ["组织生活会通知"]
        es.delete(schema=schema, keys=[(KIND, 1), (KIND, 404)])  # a missing one is fine
        assert _titles(es, "组织生活会") == []


def test_an_institution_still_reads_the_public_alias_and_marks_its_hits_public(es, inst_a) -> None:
    es.upsert(schema="public", entries=[_entry(7, "全市党建工作要点")])
    es.upsert(schema=inst_a.schema_name, entries=[_entry(7, "本校党建工作要点")])
    es.refresh(schema="public")
    es.refresh(schema=inst_a.schema_name)
    query = Query(text="党建工作要点", visibility=Visibility(everything=True))
    hits = es.search(schema=inst_a.schema_name, query=query).hits
    assert sorted((hit.title, hit.public) for hit in hits) == [("全市党建工作要点", True), ("本校党建工作要点", False)]


def test_a_worker_that_loses_the_creation_race_uses_the_winners_alias(es, inst_a, monkeypatch) -> None:
    alias = es.index_name(inst_a.schema_name)
    other = get_backend()
    assert isinstance(other, ElasticsearchBackend)
    other.ensure_index(inst_a.schema_name)  # the winner created generation 1 and the alias
    # The loser looked before the winner created it: its first look finds nothing (the
    # interleaving is forced; the node and the create call are real).
    looks: list[str] = []

    def look_as_before_the_winner(backend: ElasticsearchBackend, name: str) -> elastic_indices.Layout:
        looks.append(name)
        return elastic_indices.Layout(alias=name) if len(looks) == 1 else real_layout(backend, name)

    real_layout = elastic_indices.layout
    monkeypatch.setattr(elastic_indices, "layout", look_as_before_the_winner)
    assert create_alias_if_missing(es, alias)  # its create fails "already exists": it looks again
    assert len(looks) == 2
    assert _aliased(es, inst_a.schema_name) == [generation_name(alias, 1)]
    assert list(es.layout(schema=inst_a.schema_name).generations) == [1]  # no second index
    es.upsert(schema=inst_a.schema_name, entries=[_entry(1, "赢家的索引")])
    with in_schema(inst_a):
        assert _titles(other, "赢家") == ["赢家的索引"]


def test_rebuild_fills_a_new_generation_swaps_the_alias_and_deletes_the_old(es, inst_a, store) -> None:
    schema = inst_a.schema_name
    alias = es.index_name(schema)
    store.update({1: "三会一课记录", 2: "主题党日安排"})
    es.upsert(schema=schema, entries=[_entry(1, "三会一课旧记录"), _entry(99, "早已删除的条目")])
    out = io.StringIO()
    call_command("reindex", "--rebuild", "--institution", inst_a.code, stdout=out)
    assert f"{KIND}: 2/2 (100%)" in out.getvalue()
    assert _aliased(es, schema) == [generation_name(alias, 2)]
    assert not _exists(es, generation_name(alias, 1))
    with in_schema(inst_a):
        assert _titles(es, "三会一课") == ["三会一课记录"]
        assert _titles(es, "早已删除") == []  # built from the database only
        assert _titles(es, "主题党日") == ["主题党日安排"]
    es.upsert(schema=schema, entries=[_entry(3, "换代之后写入")])  # writes go to the new index
    with in_schema(inst_a):
        assert _titles(es, "换代之后") == ["换代之后写入"]


def test_search_reads_the_old_index_until_the_swap_and_writes_are_refused_meanwhile(es, inst_a) -> None:
    schema = inst_a.schema_name
    alias = es.index_name(schema)
    es.upsert(schema=schema, entries=[_entry(1, "旧版学习材料")])
    rebuild = es.begin_rebuild(schema=schema)
    rebuild.upsert([_entry(1, "新版学习材料")])
    es.client.indices.refresh(index=rebuild.new)
    with in_schema(inst_a):
        assert _titles(es, "学习材料") == ["旧版学习材料"]  # filled, not swapped: the old data
    with pytest.raises(BackendUnavailable):
        es.upsert(schema=schema, entries=[_entry(2, "改建期间的写入")])
    with pytest.raises(BackendUnavailable):
        es.delete(schema=schema, keys=[(KIND, 1)])
    rebuild.finish()
    with in_schema(inst_a):
        assert _titles(es, "学习材料") == ["新版学习材料"]
    assert _aliased(es, schema) == [generation_name(alias, 2)]


def test_changes_during_a_rebuild_wait_in_the_outbox_and_land_in_the_new_index(es, inst_a, store) -> None:
    schema = inst_a.schema_name
    store.update({1: "发展对象公示", 2: "预备党员转正", 3: "党费收缴通知"})
    with in_schema(inst_a):
        call_command("reindex", "--institution", inst_a.code, stdout=io.StringIO())
        seen_midway: list[list[str]] = []

        def midway(kind: str, done: int, total: int) -> None:
            # The rebuild has read and written every object of KIND: change them now.
            if kind != KIND or done != total:
                return
            store[1] = "发展对象公示（更正）"
            del store[2]
            store[4] = "新增支部书记培训"
            for object_id in (1, 2, 4):
                index_later(kind=KIND, object_id=object_id)
            report = outbox_drain()
            assert report.failed == 3  # the old index refuses: the rows stay
            seen_midway.append(_titles(es, "发展对象"))
            seen_midway.append(_titles(es, "预备党员"))

        rebuild_schema(progress=midway)
        assert seen_midway == [["发展对象公示"], ["预备党员转正"]]  # search kept the old data
        assert not SearchOutbox.objects.exists()
        assert _titles(es, "发展对象") == ["发展对象公示（更正）"]
        assert _titles(es, "预备党员") == []
        assert _titles(es, "支部书记培训") == ["新增支部书记培训"]
        assert _titles(es, "党费") == ["党费收缴通知"]
    assert _aliased(es, schema) == [generation_name(es.index_name(schema), 2)]


def test_a_member_renamed_during_the_rebuild_is_found_by_the_new_name(es, inst_a) -> None:
    with in_schema(inst_a):
        admin = make_user(inst_a, username="alias_admin", is_superuser=True)
        member = MemberFactory(name="郭靖")
        call_command("reindex", "--institution", inst_a.code, stdout=io.StringIO())

        def rename(kind: str, done: int, total: int) -> None:
            if kind == "member" and done == total:
                member_update(member=member, acting_user=admin, name="郭啸天")
                outbox_drain()

        rebuild_schema(progress=rename)
        assert _titles(es, "郭啸天") == ["郭啸天"]
        assert _titles(es, "郭靖") == []


def test_the_old_one_index_layout_keeps_working_and_a_rebuild_migrates_it(es, inst_a, store) -> None:
    schema = inst_a.schema_name
    alias = es.index_name(schema)
    es.client.indices.create(index=alias, settings=SETTINGS, mappings=MAPPINGS)  # before aliases
    es.upsert(schema=schema, entries=[_entry(1, "旧布局里的条目")])
    assert es.layout(schema=schema).old_layout and _aliased(es, schema) == []
    with in_schema(inst_a):
        assert _titles(es, "旧布局") == ["旧布局里的条目"]
    store.update({1: "迁移后的条目"})
    call_command("reindex", "--rebuild", "--institution", inst_a.code, stdout=io.StringIO())
    assert _aliased(es, schema) == [generation_name(alias, 1)]
    assert not es.layout(schema=schema).old_layout
    fresh = get_backend()
    fresh.upsert(schema=schema, entries=[_entry(2, "迁移后新写入")])
    with in_schema(inst_a):
        assert _titles(fresh, "迁移后") == ["迁移后新写入", "迁移后的条目"]
        assert _titles(fresh, "旧布局") == []


def test_drop_removes_the_alias_and_every_concrete_index(es, inst_a) -> None:
    schema = inst_a.schema_name
    alias = es.index_name(schema)
    es.upsert(schema=schema, entries=[_entry(1, "待删除")])
    es.begin_rebuild(schema=schema)  # a leftover generation 2, never swapped
    assert sorted(es.layout(schema=schema).indices) == [generation_name(alias, 1), generation_name(alias, 2)]
    es.drop(schema=schema)
    assert es.client.indices.get(index=f"{alias},{alias}-*", allow_no_indices=True, ignore_unavailable=True) == {}
    assert not _exists(es, alias)
    es.client.indices.create(index=alias, settings=SETTINGS, mappings=MAPPINGS)  # the old layout too
    es.drop(schema=schema)
    assert not _exists(es, alias)


def test_a_crashed_rebuild_blocks_the_next_until_its_leftovers_are_discarded(es, inst_a, store) -> None:
    schema = inst_a.schema_name
    alias = es.index_name(schema)
    store.update({1: "崩溃之后"})
    es.upsert(schema=schema, entries=[_entry(1, "崩溃之前")])
    es.begin_rebuild(schema=schema)  # crashed: neither finished nor aborted
    with pytest.raises(BackendUnavailable):
        es.upsert(schema=schema, entries=[_entry(1, "写不进去")])
    with pytest.raises(RebuildConflict):
        es.begin_rebuild(schema=schema)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--discard-leftovers"):
        call_command("reindex", "--rebuild", "--institution", inst_a.code, stdout=io.StringIO())
    call_command("reindex", "--rebuild", "--discard-leftovers", "--institution", inst_a.code, stdout=io.StringIO())
    # The leftover generation 2 was deleted, so the new one takes its number again.
    assert sorted(es.layout(schema=schema).indices) == [generation_name(alias, 2)]
    assert _aliased(es, schema) == [generation_name(alias, 2)]
    with in_schema(inst_a):
        assert _titles(es, "崩溃") == ["崩溃之后"]


def test_a_second_rebuild_of_a_schema_is_refused_while_one_runs(es, inst_a, store) -> None:
    """Two rebuilds started together would both find no leftover and both swap: the second one
    finds the first one's lock (taken here on a connection of its own, as another process would)
    and stops before touching the index."""
    import psycopg2
    from django.core.management.base import CommandError

    schema = inst_a.schema_name
    alias = es.index_name(schema)
    store.update({1: "重建中的条目"})
    es.upsert(schema=schema, entries=[_entry(1, "重建前的条目")])
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [f"search-rebuild:{schema}"])
        with pytest.raises(CommandError, match="is running"):
            call_command("reindex", "--rebuild", "--institution", inst_a.code, stdout=io.StringIO())
        assert sorted(es.layout(schema=schema).indices) == [generation_name(alias, 1)]  # untouched
        es.upsert(schema=schema, entries=[_entry(2, "照常写入")])  # no write block was set
    finally:
        other.close()  # the lock goes with its session, as a crashed rebuild's would
    call_command("reindex", "--rebuild", "--institution", inst_a.code, stdout=io.StringIO())
    assert _aliased(es, schema) == [generation_name(alias, 2)]
    with in_schema(inst_a):
        assert _titles(es, "重建") == ["重建中的条目"]


def test_a_failed_rebuild_deletes_its_index_and_unblocks_the_old_one(es, inst_a, store) -> None:
    schema = inst_a.schema_name
    alias = es.index_name(schema)
    store.update({1: "失败的重建"})
    es.upsert(schema=schema, entries=[_entry(1, "原来的条目")])

    def boom(kind: str, done: int, total: int) -> None:
        if kind == KIND:
            raise RuntimeError("database went away")

    with in_schema(inst_a), pytest.raises(RuntimeError):
        rebuild_schema(progress=boom)
    assert sorted(es.layout(schema=schema).indices) == [generation_name(alias, 1)]
    es.upsert(schema=schema, entries=[_entry(2, "之后照常写入")])
    with in_schema(inst_a):
        assert _titles(es, "原来") == ["原来的条目"]
        assert _titles(es, "照常写入") == ["之后照常写入"]


def test_rebuild_option_on_either_backend_leaves_a_searchable_index(backend, inst_a, store) -> None:
    store.update({1: "两种后端都能重建"})
    call_command("reindex", "--rebuild", "--institution", inst_a.code, stdout=io.StringIO())
    with in_schema(inst_a):
        assert _titles(backend, "后端") == ["两种后端都能重建"]
