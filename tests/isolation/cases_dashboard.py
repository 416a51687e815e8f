"""Isolation cases of the committee's dashboard (console) and an institution's own dashboard
(merged into test_isolation's CASES)."""

from __future__ import annotations

from tests.isolation.case import CONSOLE, TENANT, Case

CASES: dict[tuple[str, str], Case] = {
    (CONSOLE, "console:dashboard"): Case("console"),
    (CONSOLE, "console:dashboard_school"): Case("console", lookup="code"),
    (CONSOLE, "console:dashboard_rankings"): Case("console", methods=("post",)),
    (CONSOLE, "console:dashboard-schools"): Case("console"),
    (CONSOLE, "console:dashboard-charts"): Case("console"),
    (CONSOLE, "console:dashboard-units"): Case("console", lookup="code"),
    (TENANT, "oversight:dashboard"): Case("page"),
}
