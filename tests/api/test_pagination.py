"""Pagination is bounded: ``limit`` 1–200 and ``offset`` 0–10^9, anything else a 400 naming the
parameter (``limit=99999999999999999999`` reached PostgreSQL as "bigint out of range")."""

from __future__ import annotations

import pytest

from tenants.models import Institution
from tests.api.helpers import admin_client, assert_problem
from tests.conftest import client_for, in_schema, make_user
from tests.factories import MemberFactory

LISTS = [
    "/api/members/",
    "/api/development/dossiers/",
    "/api/documents/",
    "/api/votes/",
    "/api/transfers/",
    "/api/org-units/",
]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("query", ["limit=99999999999999999999", "offset=99999999999999999999", "limit=0", "limit=x"])
def test_an_out_of_range_or_non_numeric_limit_or_offset_is_a_400_not_a_500(
    inst_a: Institution, url: str, query: str
) -> None:
    client, _ = admin_client(inst_a)
    assert_problem(client.get(f"{url}?{query}"), code="invalid_parameter", mentions=f"参数 {query.split('=')[0]}")


def test_the_consoles_institution_list_is_bounded_too(db: None) -> None:
    operator = make_user(None, username="page_op", platform_role="operator", is_staff=True)
    client = client_for(None, operator)
    assert_problem(client.get("/api/institutions/?limit=99999999999999999999"), code="invalid_parameter")


@pytest.mark.parametrize("page", ["99999999999999999999", "0", "501", "x"])
def test_the_search_page_number_is_bounded(inst_a: Institution, page: str) -> None:
    client, _ = admin_client(inst_a)
    assert_problem(client.get("/api/search/", {"q": "x", "page": page}), code="invalid_parameter", mentions="参数 page")


def test_the_search_pages_page_number_is_bounded_too(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    assert client.get("/search/", {"q": "x", "page": "99999999999999999999"}).status_code == 400


def test_limit_and_offset_within_bounds_page_the_list(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    with in_schema(inst_a):
        MemberFactory.create_batch(3)
    first = client.get("/api/members/", {"limit": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2
    rest = client.get("/api/members/", {"limit": 200, "offset": 2}).json()
    assert len(rest["results"]) == 1
    assert client.get("/api/members/", {"offset": 10**9}).json()["results"] == []
