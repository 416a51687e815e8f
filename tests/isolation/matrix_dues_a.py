"""Matrix rows (``matrix.py``) of the dues month and ledger: the dues home for anyone who manages
a unit; opening and closing months for the committee's managers (the institution admin here);
a branch's sheet, exports, settings and entries for those who manage the branch; recording a
payment for a member's managers (the member themself: 403)."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import IN_SCOPE, INSTITUTION_ADMIN, MANAGE_RECORD, MANAGERS, Row

MATRIX: dict[tuple[str, str], Row] = {
    (TENANT, "dues:home"): Row(MANAGERS),
    (TENANT, "dues:month_open"): Row(INSTITUTION_ADMIN),
    (TENANT, "dues:month_close"): Row(INSTITUTION_ADMIN, "dues_month"),
    # 补开 acts for real (it bills whoever has no bill yet): only refused cells send it.
    (TENANT, "dues:month_bill_missing"): Row(INSTITUTION_ADMIN, "dues_month", writes_allowed=False),
    (TENANT, "dues:year_close"): Row(INSTITUTION_ADMIN, kwargs={"year": "2026"}),
    (TENANT, "dues:sheet"): Row(IN_SCOPE, "org_unit"),
    (TENANT, "dues:export_month"): Row(IN_SCOPE, "org_unit"),
    (TENANT, "dues:export_year"): Row(IN_SCOPE, "org_unit"),
    (TENANT, "dues:settings"): Row(IN_SCOPE, "org_unit"),
    (TENANT, "dues:payment"): Row(MANAGE_RECORD, "member"),
    (TENANT, "dues:entry_reverse"): Row(IN_SCOPE, "dues_entry"),
    (TENANT, "dues-months"): Row(MANAGERS, writes=INSTITUTION_ADMIN),
    # Closing acts for real and for good: only refused cells send it.
    (TENANT, "dues-month-close"): Row(INSTITUTION_ADMIN, "dues_month", writes_allowed=False),
    (TENANT, "dues-unit-entries"): Row(IN_SCOPE, "org_unit"),
    (TENANT, "dues-payments"): Row(MANAGE_RECORD, "member"),
    (TENANT, "dues-entry-reverse"): Row(IN_SCOPE, "dues_entry"),
}
