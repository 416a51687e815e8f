"""Matrix rows (``matrix.py``) of the dues bases, the payroll import, declarations and 我的党费:
managers of a member's branch set the member's base; a member reads only their own dues."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import MANAGE_RECORD, MANAGERS, MINE, Row

MATRIX: dict[tuple[str, str], Row] = {
    (TENANT, "dues_bases:list"): Row(MANAGERS, "member"),
    (TENANT, "dues_bases:edit"): Row(MANAGE_RECORD, "member"),
    (TENANT, "dues-bases"): Row(MANAGERS, "member"),
    (TENANT, "dues-member-bases"): Row(MANAGE_RECORD, "member"),
    (TENANT, "dues_mine:page"): Row(MINE),
    (TENANT, "dues-mine"): Row(MINE),
}
