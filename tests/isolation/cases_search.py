"""Isolation cases for the search routes (merged into test_isolation's CASES).

The search routes list nothing without a query, so they are checked as pages here (A's session
and token are worthless on B); tests/search/test_views.py proves that a search on A never
returns B's entries, for every backend."""

from __future__ import annotations

from tests.isolation.case import TENANT, Case

CASES: dict[tuple[str, str], Case] = {
    (TENANT, "search:page"): Case("page"),
    (TENANT, "api-search"): Case("page"),
    (TENANT, "api-search-suggest"): Case("page"),
}
