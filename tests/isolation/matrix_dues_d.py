"""Matrix rows (``matrix.py``) of dues arrears, disclosure and use: arrears and the use ledger are
for the managers of the unit; a published disclosure is read by its branch's people (and those of
the units below a college's or the institution's) and by those whose scope covers it."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import (
    BRANCH_READ,
    IN_SCOPE,
    MANAGERS,
    MANAGERS_IN_SCOPE,
    SCOPED_LIST,
    SEES_BRANCH,
    SIGNED_IN,
    Row,
)

MATRIX: dict[tuple[str, str], Row] = {
    (TENANT, "dues_arrears:list"): Row(MANAGERS, "dues_arrears_case"),
    (TENANT, "dues_arrears:case"): Row(MANAGERS_IN_SCOPE, "dues_arrears_case"),
    (TENANT, "dues_disclosure:list"): Row(SIGNED_IN, "dues_disclosure", sees=SEES_BRANCH),
    (TENANT, "dues_disclosure:detail"): Row(BRANCH_READ, "dues_disclosure"),
    (TENANT, "dues_disclosure:pdf"): Row(BRANCH_READ, "dues_disclosure"),
    (TENANT, "dues_disclosure:unit"): Row(MANAGERS_IN_SCOPE, "org_unit"),
    (TENANT, "dues_disclosure:publish"): Row(MANAGERS_IN_SCOPE, "org_unit"),
    (TENANT, "dues_disclosure:use_record"): Row(MANAGERS_IN_SCOPE, "org_unit"),
    (TENANT, "dues_disclosure:use_correct"): Row(MANAGERS_IN_SCOPE, "dues_use_entry"),
    # Reductions: a member reads their own requests (none of the world's), managers those of their
    # branches; anyone signed in may ask (for themselves: an empty body is refused as invalid).
    (TENANT, "dues_reductions:list"): Row(SCOPED_LIST, "dues_reduction"),
    (TENANT, "dues_reductions:new"): Row(SIGNED_IN),
    (TENANT, "dues_reductions:detail"): Row(IN_SCOPE, "dues_reduction"),
    (TENANT, "dues_reductions:decide"): Row(IN_SCOPE, "dues_reduction"),
    (TENANT, "dues-reduction-list"): Row(SCOPED_LIST, "dues_reduction", writes=SIGNED_IN),
    (TENANT, "dues-reduction-detail"): Row(IN_SCOPE, "dues_reduction"),
    (TENANT, "dues-reduction-decide"): Row(IN_SCOPE, "dues_reduction"),
    (TENANT, "dues-arrears"): Row(MANAGERS, "dues_arrears_member"),
    (TENANT, "dues-arrears-case-list"): Row(MANAGERS, "dues_arrears_case"),
    (TENANT, "dues-arrears-case-detail"): Row(MANAGERS_IN_SCOPE, "dues_arrears_case"),
    (TENANT, "dues-arrears-case-record"): Row(MANAGERS_IN_SCOPE, "dues_arrears_case"),
    (TENANT, "dues-disclosure-list"): Row(SIGNED_IN, "dues_disclosure", sees=SEES_BRANCH),
    (TENANT, "dues-disclosure-detail"): Row(BRANCH_READ, "dues_disclosure"),
    (TENANT, "dues-disclosure-unit"): Row(MANAGERS_IN_SCOPE, "org_unit"),
    (TENANT, "dues-disclosure-publish"): Row(MANAGERS_IN_SCOPE, "org_unit"),
    (TENANT, "dues-disclosure-use"): Row(MANAGERS_IN_SCOPE, "org_unit"),
    (TENANT, "dues-use-correct"): Row(MANAGERS_IN_SCOPE, "dues_use_entry"),
}
