"""Isolation cases of 党内统计年报 (merged into test_isolation's CASES): pages of a signed-in user
of this host; the console's sum is console-only."""

from __future__ import annotations

from tests.isolation.case import CONSOLE, TENANT, Case

CASES: dict[tuple[str, str], Case] = {
    (TENANT, "statistics:tables"): Case("page"),
    (TENANT, "statistics:export"): Case("page", methods=("post",)),
    (TENANT, "statistics-tables"): Case("page"),
    (TENANT, "statistics-tables-export"): Case("page"),
    (CONSOLE, "console:statistics_tables"): Case("console"),
    (CONSOLE, "console:statistics_export"): Case("console", methods=("post",)),
}
