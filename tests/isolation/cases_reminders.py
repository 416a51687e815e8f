"""Isolation cases for the reminders routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from tests.isolation.case import TENANT, Case

CASES: dict[tuple[str, str], Case] = {
    (TENANT, "reminders:inbox"): Case("page"),
}
