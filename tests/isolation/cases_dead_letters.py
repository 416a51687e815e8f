"""Isolation cases for the console's dead-letter routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from tests.isolation.case import CONSOLE, Case

CASES: dict[tuple[str, str], Case] = {
    (CONSOLE, "console:dead_letters"): Case("console"),
    (CONSOLE, "console:dead_letter_retry"): Case("console", methods=("post",)),
}
