"""Search on a three-node cluster with one replica: a node SIGKILLed while the real outbox drain
is writing and while searches run. Search keeps answering (the page and the API never fail; a
partial answer says so), no outbox row is lost (a row leaves only once the cluster confirmed it;
a refused one stays with its error and is retried), and when the node returns the index
converges: every member of the test is found, both copies of the shard hold the database's count.

The node killed is the one holding the primary shard. The kill is sent from another thread as the
drain's second bulk write begins, so it lands during that write or just after it, with the rest
of the drain still to come."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from services.members.models import Member
from services.search.backends import Query, Visibility, get_backend
from services.search.backends.elastic import ElasticsearchBackend
from services.search.indexing import outbox_drain
from services.search.models import SearchOutbox
from services.search.outbox import index_later_many
from tests.conftest import client_for, in_schema, make_user
from tests.factories import MemberFactory
from tests.search.cluster.conftest import Cluster
from tests.search.helpers import branch

NAME = "集群"
FIRST = 20  # indexed before the kill
DURING = 60  # queued before the kill, drained while the node dies and is away
BATCH = 10


def _members(n: int, start: int, unit: Any) -> list[int]:
    return [MemberFactory(name=f"{NAME}{start + i:03d}号", branch=unit).pk for i in range(n)]


def _shard_copies(cluster: Cluster, index: str) -> list[dict[str, Any]]:
    return cluster.get(f"/_cat/shards/{index}?format=json&h=index,prirep,state,docs,node")


@pytest.fixture
def on_cluster(es_cluster: Cluster, settings: Any) -> ElasticsearchBackend:
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = ",".join(es_cluster.urls)  # every node: the client moves on when one dies
    settings.SEARCH_ES_REPLICAS = 1
    settings.SEARCH_ES_INDEX_PREFIX = f"pccluster-{uuid.uuid4().hex[:8]}"
    backend = get_backend()
    assert isinstance(backend, ElasticsearchBackend)
    return backend


def test_a_node_killed_during_indexing_and_search_loses_nothing_and_converges(
    es_cluster: Cluster, on_cluster: ElasticsearchBackend, inst_a: Any
) -> None:
    backend = on_cluster
    admin = make_user(inst_a, username="cluster_admin", is_superuser=True)
    client = client_for(inst_a, admin)
    with in_schema(inst_a):
        schema = connection.schema_name
        unit = branch("集群测试支部")
        ids = _members(FIRST, 0, unit)
        index_later_many(kind="member", object_ids=ids)
        assert outbox_drain(backend=backend, batch=BATCH).indexed == FIRST
        index = backend.layout(schema=schema).current[0]
        assert es_cluster.get(f"/{index}/_settings")[index]["settings"]["index"]["number_of_replicas"] == "1"
        health = es_cluster.get(f"/_cluster/health/{index}?wait_for_status=green&timeout=60s")
        assert health["status"] == "green"  # the replica sits on another node
        primary = next(copy for copy in _shard_copies(es_cluster, index) if copy["prirep"] == "p")
        victim = es_cluster.node_number(primary["node"])

        more = _members(DURING, FIRST, unit)
        index_later_many(kind="member", object_ids=more)
        queued = FIRST + DURING
        indexed = FIRST

        # Searches straight at the cluster, from another thread, all the while.
        stop = threading.Event()
        search_errors: list[str] = []
        searches = [0]

        def search_all_the_time() -> None:
            query = Query(text=NAME, visibility=Visibility(everything=True), kinds=("member",))
            while not stop.is_set():
                try:
                    backend.search(schema=schema, query=query)
                    searches[0] += 1
                except Exception as exc:  # every failure is what the test counts
                    search_errors.append(f"{type(exc).__name__}: {exc}")

        searcher = threading.Thread(target=search_all_the_time, daemon=True)
        searcher.start()

        # The kill lands while the second bulk write of the drain is in flight.
        write = backend.write_entries
        writes = [0]
        killer: list[threading.Thread] = []

        def write_then_kill(*args: Any, **kwargs: Any) -> None:
            writes[0] += 1
            if writes[0] == 2:
                killer.append(threading.Thread(target=es_cluster.kill, args=(victim,)))
                killer[0].start()
            write(*args, **kwargs)

        backend.write_entries = write_then_kill  # type: ignore[method-assign]
        failed_rows: set[int] = set()
        partial_pages = 0
        try:
            for _round in range(DURING // BATCH + 2):
                before = set(SearchOutbox.objects.values_list("pk", flat=True))
                report = outbox_drain(backend=backend, batch=BATCH, max_batches=1)
                indexed += report.indexed
                left = set(SearchOutbox.objects.values_list("pk", flat=True))
                # A row leaves the outbox only with a confirmed write: none lost, none doubled.
                assert indexed + len(left) == queued
                if report.failed:
                    failed = SearchOutbox.objects.filter(pk__in=before & left, attempts__gte=1)
                    assert failed.count() == report.failed and all(row.last_error for row in failed)
                    failed_rows |= set(failed.values_list("pk", flat=True))
                # The app's search page and API answer while the node is gone.
                page = client.get("/search/", {"q": NAME})
                api = client.get("/api/search/", {"q": NAME, "kind": "member"})
                assert page.status_code == 200 and api.status_code == 200, (page.status_code, api.status_code)
                assert ("data-search-partial" in page.content.decode()) == bool(page.context["partial"])
                partial_pages += bool(page.context["partial"])
                assert api.json()["count"] <= indexed
        finally:
            backend.write_entries = write  # type: ignore[method-assign]
            for thread in killer:
                thread.join()
            stop.set()
            searcher.join()
        assert killer, "the drain never reached its second write"
        assert not search_errors, search_errors[:3]
        assert searches[0] > 0

        # The node comes back (same data dir); the cluster is green again with three nodes.
        es_cluster.start(victim)
        # Failed rows waited with a backoff: make them due (the time passing) and drain them.
        SearchOutbox.objects.update(next_attempt_at=timezone.now())
        while SearchOutbox.objects.exists():
            report = outbox_drain(backend=backend, batch=BATCH)
            assert not report.failed, report.errors
            indexed += report.indexed
        assert indexed == queued
        assert not failed_rows & set(SearchOutbox.objects.values_list("pk", flat=True))
        backend.refresh(schema=schema)

        in_database = set(Member.objects.filter(name__startswith=NAME).values_list("pk", flat=True))
        assert backend.object_ids(schema=schema, kind="member") == in_database == set(ids + more)
        es_cluster.get(f"/_cluster/health/{index}?wait_for_status=green&timeout=60s")
        copies = _shard_copies(es_cluster, index)
        assert len(copies) == 2 and {copy["state"] for copy in copies} == {"STARTED"}
        assert {int(copy["docs"]) for copy in copies} == {len(in_database)}  # both copies converged
    api = client.get("/api/search/", {"q": NAME, "kind": "member"}).json()
    assert api["count"] == len(in_database) and api["partial"] is False
