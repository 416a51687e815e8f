"""Isolation cases for the documents routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from tests.isolation.case import TENANT, Case

CASES: dict[tuple[str, str], Case] = {
    (TENANT, "documents:library"): Case("page"),
}
