"""Matrix rows (``matrix.py``) of the dashboards: the committee's (console) for committee and
operator accounts, its rankings switch for the committee only; an institution's own for its
administrators (the same facts of that institution only)."""

from __future__ import annotations

from tests.isolation.case import CONSOLE, TENANT
from tests.isolation.matrix import CONSOLE_SIGNED_IN, INSTITUTION_ADMIN, Policy, Row

B = {"code": "beta"}  # another institution, looked at from the console
# Whether the dashboard ranks schools is the committee's choice: operators are refused.
CONSOLE_COMMITTEE = Policy("CONSOLE_COMMITTEE", {"anonymous": "login", "committee": "ok", "operator": "403"})

MATRIX: dict[tuple[str, str], Row] = {
    (CONSOLE, "console:dashboard"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "console:dashboard_school"): Row(CONSOLE_SIGNED_IN, kwargs=B),
    (CONSOLE, "console:dashboard_rankings"): Row(CONSOLE_COMMITTEE),
    (CONSOLE, "console:dashboard-schools"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "console:dashboard-charts"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "console:dashboard-units"): Row(CONSOLE_SIGNED_IN, kwargs=B),
    (TENANT, "oversight:dashboard"): Row(INSTITUTION_ADMIN),
}
