"""Matrix rows (``matrix.py``) of the dues bases, the payroll import, declarations and 我的党费:
managers of a member's branch set the member's base; a member reads only their own dues."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import MANAGE_RECORD, MANAGERS, MANAGERS_IN_SCOPE, MINE, OWN, Row

MATRIX: dict[tuple[str, str], Row] = {
    (TENANT, "dues_bases:list"): Row(MANAGERS, "member"),
    (TENANT, "dues_bases:edit"): Row(MANAGE_RECORD, "member"),
    (TENANT, "dues-bases"): Row(MANAGERS, "member"),
    (TENANT, "dues-member-bases"): Row(MANAGE_RECORD, "member"),
    # The payroll import: a job is its uploader's (its preview names people).
    (TENANT, "dues_bases:import"): Row(MANAGERS),
    (TENANT, "dues_bases:import_template"): Row(MANAGERS),
    (TENANT, "dues_bases:import_job"): Row(OWN, "payroll_job"),
    (TENANT, "dues_bases:import_confirm"): Row(OWN, "payroll_job"),
    (TENANT, "dues_bases:import_errors"): Row(OWN, "payroll_job"),
    (TENANT, "dues-bases-imports"): Row(MANAGERS, body_first=True),
    (TENANT, "dues-bases-import"): Row(OWN, "payroll_job"),
    (TENANT, "dues-bases-import-confirm"): Row(OWN, "payroll_job"),
    # Declarations: the member declares their own; managers of the member's branch decide.
    (TENANT, "dues_bases:declarations"): Row(MANAGERS, "base_declaration"),
    (TENANT, "dues_bases:declaration"): Row(MANAGERS_IN_SCOPE, "base_declaration"),
    (TENANT, "dues-declarations"): Row(MANAGERS, "base_declaration"),
    (TENANT, "dues-declaration-decide"): Row(MANAGERS_IN_SCOPE, "base_declaration"),
    (TENANT, "dues_mine:declare"): Row(MINE),
    (TENANT, "dues-mine-declarations"): Row(MINE),
    (TENANT, "dues_mine:page"): Row(MINE),
    (TENANT, "dues-mine"): Row(MINE),
}
