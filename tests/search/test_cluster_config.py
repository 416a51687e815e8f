"""Configuration for a search cluster, without one: ELASTICSEARCH_URL lists every node and the
client knows them all (and is kept between requests, so a failed node stays marked); new indices
take SEARCH_ES_REPLICAS; a search some shards did not answer comes back ``partial`` and the page
and the API say so. The cluster itself is tests/search/cluster (make test-search-cluster)."""

from __future__ import annotations

from typing import Any

from services.search import selectors
from services.search.backends import BackendUnavailable, Query, Results, Visibility, elastic_indices, get_backend
from services.search.backends.elastic import ElasticsearchBackend, hosts_of, index_settings
from tests.conftest import client_for, make_user

NODES = "http://127.0.0.1:9, http://127.0.0.2:9,"


def _on(settings: Any, *, replicas: int = 0) -> ElasticsearchBackend:
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = NODES
    settings.SEARCH_ES_REPLICAS = replicas
    backend = get_backend()
    assert isinstance(backend, ElasticsearchBackend)
    return backend


def test_every_node_of_the_list_is_known_to_one_client_kept_between_requests(settings) -> None:
    assert hosts_of(NODES) == ["http://127.0.0.1:9", "http://127.0.0.2:9"]
    backend = _on(settings)
    nodes = {str(node.config.host) for node in backend.client.transport.node_pool.all()}
    assert nodes == {"127.0.0.1", "127.0.0.2"}
    assert get_backend().client is backend.client  # one pool: a dead node stays marked dead


def test_new_indices_take_the_configured_replica_count(settings) -> None:
    assert index_settings(0)["number_of_replicas"] == 0
    backend = _on(settings, replicas=1)
    created: dict[str, Any] = {}

    class Indices:
        def create(self, **kwargs: Any) -> None:
            created.update(kwargs)

    class Client:
        indices = Indices()

    backend.client = Client()
    elastic_indices.create_concrete(backend, "pc-x-000001", alias="pc-x")
    assert created["settings"] == {"number_of_shards": 1, "number_of_replicas": 1}


def _answer(failed: int) -> dict[str, Any]:
    return {
        "timed_out": False,
        "_shards": {"total": 2, "successful": 2 - failed, "failed": failed},
        "hits": {"total": {"value": 0}, "hits": []},
    }


def test_a_search_some_shards_did_not_answer_is_partial(settings) -> None:
    backend = _on(settings)
    backend._ready = {backend.index_name("s"): True, backend.index_name("public"): True}
    query = Query(text="通知", visibility=Visibility(everything=True))
    for failed, partial in ((0, False), (1, True)):

        class Client:
            def search(self, **kwargs: Any) -> dict[str, Any]:
                return _answer(failed)  # noqa: B023 (called inside this iteration)

        backend.client = Client()
        assert backend.search(schema="s", query=query).partial is partial


class PartialBackend:
    def search(self, *, schema: str, query: Query) -> Results:
        return Results(hits=[], total=0, partial=True)


def test_the_page_and_the_api_say_when_results_may_be_incomplete(inst_a, monkeypatch) -> None:
    admin = make_user(inst_a, username="partial_admin", is_superuser=True)
    client = client_for(inst_a, admin)
    body = client.get("/search/", {"q": "通知"}).content.decode()
    assert "data-search-partial" not in body
    assert client.get("/api/search/", {"q": "通知"}).json()["partial"] is False

    monkeypatch.setattr(selectors, "get_backend", lambda: PartialBackend())
    page = client.get("/search/", {"q": "通知"})
    assert page.status_code == 200
    assert "部分搜索服务器暂时没有响应" in page.content.decode()
    api = client.get("/api/search/", {"q": "通知"})
    assert api.status_code == 200 and api.json()["partial"] is True
    assert client.get("/api/search/suggest/", {"q": "通"}).json()["partial"] is True


class DownBackend:
    def search(self, *, schema: str, query: Query) -> Results:
        raise BackendUnavailable("ConnectionError: no node answered")


def test_no_node_answering_is_a_clear_503_not_a_server_error(inst_a, monkeypatch) -> None:
    admin = make_user(inst_a, username="down_admin", is_superuser=True)
    client = client_for(inst_a, admin)
    monkeypatch.setattr(selectors, "get_backend", lambda: DownBackend())
    page = client.get("/search/", {"q": "通知"})
    assert page.status_code == 503 and "搜索服务暂时不可用" in page.content.decode()
    for url in ("/api/search/", "/api/search/suggest/"):
        api = client.get(url, {"q": "通知"})
        assert api.status_code == 503 and "搜索服务暂时不可用" in api.json()["detail"]
