"""Matrix rows (``matrix.py``) of the member records, the roster import and export, the org
tree, the audit log and the rules."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import (
    BRANCH_READ,
    INSTITUTION_ADMIN,
    MANAGE_RECORD,
    MANAGE_UNIT,
    MANAGERS,
    OWN,
    RECORD_READ,
    RESTRUCTURE,
    SCOPE_LIST,
    SCOPED_LIST,
    SIGNED_IN,
    Row,
    everyone,
)

# The roster's exports with full numbers name their format in the body: without one, the page
# answers 404 to everyone signed in ("a forged format"); who may export is in tests/members.
NO_FORMAT = {**everyone("404"), "anonymous": "login", "committee": "login", "operator": "login"}

MATRIX: dict[tuple[str, str], Row] = {
    # Member records
    (TENANT, "member-list"): Row(SCOPED_LIST, "member", writes=MANAGERS, body_first=True),
    (TENANT, "member-detail"): Row(RECORD_READ, "member", writes=MANAGE_RECORD),
    (TENANT, "member-change-status"): Row(MANAGE_RECORD, "member"),
    (TENANT, "member-reveal"): Row(MANAGE_RECORD, "member"),
    # The history is for those who manage the record: not even its own member learns it has one.
    (TENANT, "member-history"): Row(MANAGE_RECORD, "member", override={"member_self": "404"}),
    (TENANT, "member-rows"): Row(MANAGE_RECORD, "member"),
    (TENANT, "members:me"): Row(SIGNED_IN),
    (TENANT, "members:roster"): Row(SCOPE_LIST, "member"),
    (TENANT, "members:create"): Row(MANAGERS),
    (TENANT, "members:detail"): Row(RECORD_READ, "member"),
    (TENANT, "members:edit"): Row(MANAGE_RECORD, "member"),
    (TENANT, "members:status"): Row(MANAGE_RECORD, "member"),
    (TENANT, "members:reveal"): Row(MANAGE_RECORD, "member"),
    # Roster import and export: an import is its uploader's; exports hold what the caller sees.
    (TENANT, "member_import:page"): Row(MANAGERS),
    (TENANT, "member_import:template"): Row(MANAGERS),
    (TENANT, "member_import:job"): Row(OWN, "import_job"),
    (TENANT, "member_import:confirm"): Row(OWN, "import_job"),
    (TENANT, "member_import:error_report"): Row(OWN, "import_job"),
    (TENANT, "member_import:status"): Row(OWN, "import_job"),
    (TENANT, "member_import:export"): Row(MANAGERS, override=NO_FORMAT),
    (TENANT, "member_import:export_roster"): Row(SIGNED_IN, writes=MANAGERS, body_first=True),
    (TENANT, "member_import:export_national"): Row(MANAGERS, methods=("post",), body_first=True),
    (TENANT, "member_import:api_start"): Row(MANAGERS, body_first=True),
    (TENANT, "member_import:api_job"): Row(OWN, "import_job"),
    (TENANT, "member_import:api_confirm"): Row(OWN, "import_job"),
    # Org tree: everyone signed in reads unit names (not personal data) through the API; the
    # pages show the part of the tree around the reader's own branch and scope.
    (TENANT, "org-unit-list"): Row(SIGNED_IN, "org_unit", writes=MANAGERS, body_first=True),
    # An empty PATCH changes nothing and answers the unit, which everyone reads; a rename or a
    # move is refused by the service (tests/organization).
    (TENANT, "org-unit-detail"): Row(SIGNED_IN, "org_unit"),
    # Warnings exist only for units with a structural problem; whose are listed: tests/organization.
    (TENANT, "org-unit-warnings"): Row(SIGNED_IN, sees={}),
    (TENANT, "organization:tree"): Row(SIGNED_IN, writes=INSTITUTION_ADMIN),
    (TENANT, "organization:unit"): Row(BRANCH_READ, "org_unit"),
    (TENANT, "organization:unit_add_child"): Row(MANAGE_UNIT, "org_unit"),
    (TENANT, "organization:unit_rename"): Row(RESTRUCTURE, "org_unit"),
    (TENANT, "organization:unit_move"): Row(RESTRUCTURE, "org_unit"),
    (TENANT, "organization:unit_merge"): Row(RESTRUCTURE, "org_unit"),
    (TENANT, "organization:unit_close"): Row(RESTRUCTURE, "org_unit"),
    (TENANT, "organization:unit_term"): Row(RESTRUCTURE, "org_unit"),
    (TENANT, "organization:position_assign"): Row(RESTRUCTURE, "org_unit"),
    (TENANT, "organization:position_end"): Row(RESTRUCTURE, "position"),
    # Audit and rules: the rules in force are for everyone, their overrides for the administrators.
    (TENANT, "audit:log"): Row(INSTITUTION_ADMIN),
    (TENANT, "rules:page"): Row(SIGNED_IN, "rule_override", writes=INSTITUTION_ADMIN),
    (TENANT, "api-rules"): Row(SIGNED_IN, "rule_override"),
    (TENANT, "api-rule-overrides"): Row(INSTITUTION_ADMIN, body_first=True),
}
