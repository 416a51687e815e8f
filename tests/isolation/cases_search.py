"""Isolation cases for the search routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from tests.isolation.case import TENANT, Case

CASES: dict[tuple[str, str], Case] = {
    (TENANT, "search:page"): Case("page"),
}
