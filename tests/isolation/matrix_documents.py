"""Matrix rows (``matrix.py``) of documents, search and reminders."""

from __future__ import annotations

from tests.isolation.case import CONSOLE, TENANT
from tests.isolation.matrix import (
    BRANCH_MANAGE,
    BRANCH_READ,
    CONSOLE_SIGNED_IN,
    IN_SCOPE,
    MANAGERS,
    MINE,
    OWN,
    SEES_BRANCH,
    SIGNED_IN,
    Row,
)

# Receipts say who signed: not for those who manage nothing, and not even that there are any (404).
NOT_MANAGERS_404 = {"member_self": "404", "member_other": "404", "applicant": "404"}

MATRIX: dict[tuple[str, str], Row] = {
    # Documents: one for branch X is read by X's people and those whose scope covers X, and
    # changed by its managers; the receipts are for managers (404 to others).
    (TENANT, "documents:library"): Row(SIGNED_IN, "document", sees=SEES_BRANCH),
    (TENANT, "documents:upload"): Row(MANAGERS),
    (TENANT, "documents:detail"): Row(BRANCH_READ, "document"),
    (TENANT, "documents:edit"): Row(BRANCH_MANAGE, "document"),
    (TENANT, "documents:delete"): Row(BRANCH_MANAGE, "document"),
    (TENANT, "documents:version_upload"): Row(BRANCH_MANAGE, "document"),
    (TENANT, "documents:file"): Row(BRANCH_READ, "document"),
    (TENANT, "documents:restore"): Row(BRANCH_MANAGE, "document"),
    (TENANT, "documents:sign"): Row(BRANCH_READ, "document"),
    (TENANT, "documents:receipts"): Row(IN_SCOPE, "document"),
    # The committee's documents, published to every institution: everyone signed in reads and
    # signs them; the receipts are for managers.
    (TENANT, "documents:public_detail"): Row(SIGNED_IN, "committee_document"),
    (TENANT, "documents:public_file"): Row(SIGNED_IN, "committee_document"),
    (TENANT, "documents:public_sign"): Row(SIGNED_IN, "committee_document"),
    (TENANT, "documents:public_receipts"): Row(MANAGERS, "committee_document", override=NOT_MANAGERS_404),
    (TENANT, "document-list"): Row(SIGNED_IN, "document", sees=SEES_BRANCH, writes=MANAGERS, body_first=True),
    (TENANT, "document-detail"): Row(BRANCH_READ, "document"),
    (TENANT, "document-versions"): Row(BRANCH_MANAGE, "document", body_first=True),
    (TENANT, "document-sign"): Row(BRANCH_READ, "document"),
    (TENANT, "document-receipts"): Row(BRANCH_MANAGE, "document"),
    (TENANT, "document-file"): Row(BRANCH_READ, "document"),
    (TENANT, "public-document-list"): Row(SIGNED_IN),
    (TENANT, "public-document-sign"): Row(SIGNED_IN, "committee_document"),
    # The console's documents: the committee publishes, operators too.
    (CONSOLE, "documents:console_list"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "documents:console_detail"): Row(CONSOLE_SIGNED_IN, "committee_document"),
    (CONSOLE, "documents:console_version"): Row(CONSOLE_SIGNED_IN, "committee_document"),
    (CONSOLE, "documents:console_file"): Row(CONSOLE_SIGNED_IN, "committee_document"),
    (CONSOLE, "documents:console_delete"): Row(CONSOLE_SIGNED_IN, "committee_document"),
    # Search: every signed-in person; what a search finds is narrowed by the same scopes (tests/search).
    (TENANT, "search:page"): Row(SIGNED_IN),
    (TENANT, "api-search"): Row(SIGNED_IN),
    (TENANT, "api-search-suggest"): Row(SIGNED_IN),
    # Reminders: each person's own.
    (TENANT, "reminders:inbox"): Row(MINE, "reminder"),
    (TENANT, "reminders:read"): Row(OWN, "reminder"),
    (TENANT, "reminders:read_all"): Row(SIGNED_IN),
    (TENANT, "reminders:preferences"): Row(SIGNED_IN),
    (TENANT, "reminder-list"): Row(MINE, "reminder"),
    (TENANT, "reminder-read"): Row(OWN, "reminder"),
    (TENANT, "reminder-read-all"): Row(SIGNED_IN),
    (TENANT, "reminder-preferences"): Row(SIGNED_IN),
}
