"""Matrix rows (``matrix.py``) of standardized-branch building: the committee keeps indicator
systems on the console, operators too (the subject is a draft system in the public schema); an
institution's branches self-assess and are reviewed within their scopes."""

from __future__ import annotations

from tests.isolation.case import CONSOLE, TENANT
from tests.isolation.matrix import CONSOLE_SIGNED_IN, IN_SCOPE, INSTITUTION_ADMIN, SCOPE_LIST, SCOPED_LIST, Row

SYSTEM = "indicator_system"

MATRIX: dict[tuple[str, str], Row] = {
    # An empty body: the create form is shown again, the import says no file was chosen.
    (CONSOLE, "console:standards_systems"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "console:standards_import"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "console:standards_system"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    (CONSOLE, "console:standards_settings"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    (CONSOLE, "console:standards_node"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    # The subject is an empty draft: publishing it is refused with its problems (a redirect).
    (CONSOLE, "console:standards_publish"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    # An empty body would copy the system for real.
    (CONSOLE, "console:standards_new_version"): Row(CONSOLE_SIGNED_IN, SYSTEM, writes_allowed=False),
    (CONSOLE, "console:standards_delete"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    (CONSOLE, "console:standards_export"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    (CONSOLE, "console:standards_preview"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    (CONSOLE, "standards-system-list"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "standards-system-detail"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    # The subject is an empty draft: its problems are answered (400).
    (CONSOLE, "standards-system-publish"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    # An empty body: "不认识的操作" and back to the list.
    (CONSOLE, "console:standards_spot_checks"): Row(CONSOLE_SIGNED_IN),
    # The institution's pages: for those who see part of the tree; a branch or an assessment is
    # seen by those whose scope covers the branch (its secretary, its college's managers, the
    # institution's administrators), 404 to others. Empty bodies are refused with a message.
    (TENANT, "standards:home"): Row(SCOPE_LIST),
    (TENANT, "standards:branch"): Row(IN_SCOPE, "org_unit"),
    (TENANT, "standards:start"): Row(IN_SCOPE, "org_unit"),
    (TENANT, "standards:evidence"): Row(IN_SCOPE, "standards_assessment"),
    (TENANT, "standards:evidence_file"): Row(IN_SCOPE, "standards_evidence"),
    (TENANT, "standards:note"): Row(IN_SCOPE, "standards_assessment"),
    # An empty body would submit the self-assessment for real.
    (TENANT, "standards:submit"): Row(IN_SCOPE, "standards_assessment", writes_allowed=False),
    # The subject is still at self-assessment: "不在审核环节" and back to the page.
    (TENANT, "standards:review"): Row(IN_SCOPE, "standards_assessment"),
    # The institution's local items: its administrators only. Empty bodies: no file chosen, the
    # empty draft's problems, the deletion not confirmed.
    (TENANT, "standards:local"): Row(INSTITUTION_ADMIN),
    (TENANT, "standards:local_detail"): Row(INSTITUTION_ADMIN, "standards_local_system"),
    (TENANT, "standards:local_publish"): Row(INSTITUTION_ADMIN, "standards_local_system"),
    (TENANT, "standards:local_delete"): Row(INSTITUTION_ADMIN, "standards_local_system"),
    (TENANT, "standards:local_export"): Row(INSTITUTION_ADMIN, "standards_local_system"),
    # API: a list of what the caller's scope covers; one assessment as its page; empty bodies 400.
    (TENANT, "standards-assessment-list"): Row(SCOPED_LIST, "standards_assessment"),
    (TENANT, "standards-assessment-detail"): Row(IN_SCOPE, "standards_assessment"),
    (TENANT, "standards-assessment-links"): Row(IN_SCOPE, "standards_assessment"),
    (TENANT, "standards-assessment-submit"): Row(IN_SCOPE, "standards_assessment", writes_allowed=False),
    (TENANT, "standards-assessment-review"): Row(IN_SCOPE, "standards_assessment"),
}
