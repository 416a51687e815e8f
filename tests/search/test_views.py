"""The search page and API: grouped results with snippets and filters, the suggest endpoint,
a constant number of queries whatever the number of hits, and no cross-institution results."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.search.contract import IndexEntry
from tests.conftest import client_for, in_schema, make_user
from tests.search.helpers import index, index_members


def _docs(n: int, start: int = 1, **fields) -> list[IndexEntry]:
    return [
        IndexEntry(
            kind="document",
            object_id=start + i,
            title=f"第{i + 1}号 组织关系转接 通知",
            body=f"请各支部做好党组织关系转接工作（第{i + 1}批）。",
            url=f"/documents/{start + i}/",
            doc_type="notice",
            tags=("组织关系",),
            day=date(2024, 1, 1 + i % 28),
            **fields,
        )
        for i in range(n)
    ]


def test_search_page_groups_documents_and_members_with_snippets(backend, inst_a) -> None:
    admin = make_user(inst_a, username="page_admin", is_superuser=True)
    with in_schema(inst_a):
        from tests.factories import MemberFactory

        index(backend, _docs(3))
        index_members(backend, MemberFactory(name="关系人"))
    response = client_for(inst_a, admin).get("/search/", {"q": "关系"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "第1号 组织关系转接 通知" in body and "/documents/1/" in body
    assert "做好党组织<mark>关系</mark>转接工作" in body
    assert "关系人" in body
    assert "通知</span>" in body  # the type badge in Chinese


def test_search_page_filters_and_validates_dates(backend, inst_a) -> None:
    admin = make_user(inst_a, username="page_admin2", is_superuser=True)
    with in_schema(inst_a):
        index(backend, _docs(2) + _docs(1, start=50, org_path=""))
    client = client_for(inst_a, admin)
    body = client.get("/search/", {"q": "转接", "doc_type": "study"}).content.decode()
    assert "没有找到相关文档" in body
    body = client.get("/search/", {"q": "转接", "day_from": "2024-02-01", "day_to": "2024-01-01"}).content.decode()
    assert "起始日期不能晚于截止日期" in body


def test_search_page_without_query_shows_the_form_only(inst_a) -> None:
    admin = make_user(inst_a, username="page_admin3", is_superuser=True)
    response = client_for(inst_a, admin).get("/search/")
    assert response.status_code == 200 and 'name="q"' in response.content.decode()


def _counted(context: CaptureQueriesContext) -> int:
    # The schema switch of the test itself (in_schema) is not the page's doing.
    return len([q for q in context.captured_queries if not q["sql"].startswith("SET search_path")])


def test_search_page_query_count_does_not_grow_with_hits(backend, inst_a) -> None:
    admin = make_user(inst_a, username="page_admin4", is_superuser=True)
    client = client_for(inst_a, admin)
    with in_schema(inst_a):
        index(backend, _docs(2))
    client.get("/search/", {"q": "转接"})  # warm caches (routing, session)
    with CaptureQueriesContext(connection) as few:
        client.get("/search/", {"q": "转接"})
    with in_schema(inst_a):
        index(backend, _docs(18, start=100))
    with CaptureQueriesContext(connection) as many:
        body = client.get("/search/", {"q": "转接"}).content.decode()
    assert "20 条结果" in body
    assert _counted(many) == _counted(few)


def test_api_search_returns_hits_and_count(backend, inst_a) -> None:
    admin = make_user(inst_a, username="api_admin", is_superuser=True)
    with in_schema(inst_a):
        index(backend, _docs(25))
    client = client_for(inst_a, admin)
    first = client.get("/api/search/", {"q": "组织关系转接", "kind": "document"}).json()
    second = client.get("/api/search/", {"q": "组织关系转接", "kind": "document", "page": 2}).json()
    assert first["count"] == 25 and len(first["results"]) == 20 and len(second["results"]) == 5
    assert {"kind", "object_id", "title", "url", "snippet", "doc_type", "tags", "day", "public"} <= set(
        first["results"][0]
    )
    assert client.get("/api/search/", {"q": "x", "page": "abc"}).status_code == 400


def test_suggest_matches_the_last_word_as_a_prefix(backend, inst_a) -> None:
    admin = make_user(inst_a, username="api_admin2", is_superuser=True)
    with in_schema(inst_a):
        from tests.factories import MemberFactory

        index_members(backend, MemberFactory(name="欧阳修"))
    client = client_for(inst_a, admin)
    results = client.get("/api/search/suggest/", {"q": "ouyangx"}).json()["results"]
    assert [r["title"] for r in results] == ["欧阳修"]
    assert client.get("/api/search/suggest/", {"q": ""}).json() == {"partial": False, "results": []}


def test_searching_on_a_never_returns_b_entries(backend, inst_a, inst_b) -> None:
    admin_a = make_user(inst_a, username="iso_search_a", is_superuser=True)
    with in_schema(inst_b):
        index(backend, [IndexEntry(kind="document", object_id=1, title="B-SECRET-MARKER 通知", body="", url="/x/")])
    with in_schema(inst_a):
        index(backend, [IndexEntry(kind="document", object_id=1, title="A-VISIBLE-MARKER 通知", body="", url="/x/")])
    client = client_for(inst_a, admin_a)
    for url in ("/search/", "/api/search/", "/api/search/suggest/"):
        body = client.get(url, {"q": "通知"}).content.decode()
        assert "A-VISIBLE-MARKER" in body and "B-SECRET-MARKER" not in body


def test_header_box_points_the_script_at_the_suggest_endpoint(inst_a) -> None:
    admin = make_user(inst_a, username="page_admin5", is_superuser=True)
    body = client_for(inst_a, admin).get("/search/").content.decode()
    assert 'data-suggest-url="/api/search/suggest/"' in body and "search/suggest.js" in body


def test_the_search_endpoints_are_in_the_openapi_schema(inst_a) -> None:
    schema = client_for(inst_a).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/search/" in schema and "/api/search/suggest/" in schema
    assert "snippet" in schema  # the response shapes are declared, not guessed
