"""Isolation cases for the console's indicator-system routes (merged into test_isolation's CASES):
console only; no institution credential opens them."""

from __future__ import annotations

from tests.isolation.case import CONSOLE, Case

POST = ("post",)

CASES: dict[tuple[str, str], Case] = {
    (CONSOLE, "console:standards_systems"): Case("console", methods=("get", "post")),
    (CONSOLE, "console:standards_import"): Case("console", methods=POST),
    (CONSOLE, "console:standards_system"): Case("console"),
    (CONSOLE, "console:standards_settings"): Case("console", methods=POST),
    (CONSOLE, "console:standards_node"): Case("console", methods=POST),
    (CONSOLE, "console:standards_publish"): Case("console", methods=POST),
    (CONSOLE, "console:standards_new_version"): Case("console", methods=POST),
    (CONSOLE, "console:standards_delete"): Case("console", methods=("get", "post")),
    (CONSOLE, "console:standards_export"): Case("console"),
    (CONSOLE, "console:standards_preview"): Case("console"),
}
