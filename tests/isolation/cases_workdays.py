"""Isolation cases for the working-day calendar's console routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from tests.isolation.case import CONSOLE, Case

CASES: dict[tuple[str, str], Case] = {
    (CONSOLE, "workdays:calendar"): Case("console", methods=("get", "post")),
    (CONSOLE, "workdays:calendar_csv"): Case("console", lookup="year", url_kwargs={}),
}
