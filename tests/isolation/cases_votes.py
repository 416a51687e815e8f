"""Isolation cases for the votes routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from tests.isolation.case import Case

CASES: dict[tuple[str, str], Case] = {}
