"""Matrix rows (``matrix.py``) of party development, branch votes and transfers."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import (
    IN_SCOPE,
    INSTITUTION_ADMIN,
    MANAGERS,
    MANAGERS_IN_SCOPE,
    SCOPE_LIST,
    SCOPED_LIST,
    SIGNED_IN,
    Row,
)

MATRIX: dict[tuple[str, str], Row] = {
    # Development: dossiers are seen and managed through the scope of their branch. An
    # applicant's own dossier is not theirs to open on these pages (404).
    (TENANT, "development:board"): Row(SCOPED_LIST, "dossier"),
    (TENANT, "development:create"): Row(MANAGERS),
    # The procedure template is read by everyone; its local steps are the administrators'.
    (TENANT, "development:template"): Row(SIGNED_IN, "local_step", writes=INSTITUTION_ADMIN),
    (TENANT, "development:local_step_toggle"): Row(INSTITUTION_ADMIN, "local_step"),
    (TENANT, "development:dossier"): Row(IN_SCOPE, "dossier"),
    (TENANT, "development:step_record"): Row(IN_SCOPE, "dossier"),
    (TENANT, "development:contact_assign"): Row(IN_SCOPE, "dossier"),
    (TENANT, "development:advance"): Row(IN_SCOPE, "dossier"),
    (TENANT, "development:probation_extend"): Row(IN_SCOPE, "probationary_dossier"),
    (TENANT, "development:end"): Row(IN_SCOPE, "dossier"),
    (TENANT, "development:step_review"): Row(IN_SCOPE, "step"),
    (TENANT, "development:document"): Row(IN_SCOPE, "dossier_document"),
    (TENANT, "development:contact_end"): Row(IN_SCOPE, "contact"),
    (TENANT, "development-dossier-list"): Row(SCOPED_LIST, "dossier", writes=MANAGERS, body_first=True),
    (TENANT, "development-dossier-detail"): Row(IN_SCOPE, "dossier"),
    (TENANT, "development-dossier-steps"): Row(IN_SCOPE, "dossier"),
    (TENANT, "development-dossier-guards"): Row(IN_SCOPE, "dossier"),
    (TENANT, "development-dossier-advance"): Row(IN_SCOPE, "dossier"),
    (TENANT, "development-step-review"): Row(IN_SCOPE, "step"),
    # Votes: a branch's votes, through the scope of the branch.
    (TENANT, "votes:list"): Row(SCOPED_LIST, "vote"),
    (TENANT, "votes:create"): Row(MANAGERS),
    (TENANT, "votes:detail"): Row(IN_SCOPE, "vote"),
    (TENANT, "votes:record"): Row(IN_SCOPE, "vote"),
    (TENANT, "votes:result"): Row(IN_SCOPE, "vote"),
    (TENANT, "votes:delete"): Row(IN_SCOPE, "vote"),
    (TENANT, "votes:elector_exclude"): Row(IN_SCOPE, "elector"),
    (TENANT, "votes:elector_include"): Row(IN_SCOPE, "excluded_elector"),
    (TENANT, "vote-list"): Row(SCOPED_LIST, "vote", writes=MANAGERS, body_first=True),
    (TENANT, "vote-detail"): Row(IN_SCOPE, "vote"),
    # What may be put to a vote: development targets and probationary members of managed branches.
    (TENANT, "vote-eligible"): Row(SCOPED_LIST, "probationary_dossier"),
    (TENANT, "vote-record"): Row(IN_SCOPE, "vote"),
    (TENANT, "vote-elector-exclude"): Row(IN_SCOPE, "elector"),
    (TENANT, "vote-elector-include"): Row(IN_SCOPE, "excluded_elector"),
    # Transfers: for managers only (403 to anyone else before any lookup), inside their scope.
    # Incoming letters are addressed to the institution: every manager sees and answers them
    # (an acceptance places the member in a branch the manager manages).
    (TENANT, "transfers:transfer_list"): Row(SCOPE_LIST, "transfer"),
    (TENANT, "transfers:pick"): Row(MANAGERS),
    (TENANT, "transfers:internal_new"): Row(MANAGERS_IN_SCOPE, "member"),
    (TENANT, "transfers:platform_new"): Row(MANAGERS_IN_SCOPE, "member"),
    (TENANT, "transfers:external_new"): Row(MANAGERS_IN_SCOPE, "member"),
    (TENANT, "transfers:detail"): Row(MANAGERS_IN_SCOPE, "transfer"),
    (TENANT, "transfers:letter_pdf"): Row(MANAGERS_IN_SCOPE, "transfer"),
    (TENANT, "transfers:stub_return"): Row(MANAGERS_IN_SCOPE, "transfer"),
    (TENANT, "transfers:cancel"): Row(MANAGERS_IN_SCOPE, "transfer"),
    (TENANT, "transfers:incoming"): Row(MANAGERS, "incoming"),
    (TENANT, "transfers:incoming_accept"): Row(MANAGERS, "incoming"),
    (TENANT, "transfers:incoming_reject"): Row(MANAGERS, "incoming"),
    (TENANT, "transfers:incoming_batch"): Row(MANAGERS, kwargs={"batch_id": "x"}),
    (TENANT, "transfers:batch_new"): Row(MANAGERS),
    # A batch is its creator's (the institution admin sees every batch).
    (TENANT, "transfers:batch"): Row(MANAGERS_IN_SCOPE, "batch"),
    (TENANT, "transfers:batch_export"): Row(MANAGERS_IN_SCOPE, "batch"),
    (TENANT, "transfer-list"): Row(SCOPE_LIST, "transfer"),
    (TENANT, "transfer-detail"): Row(MANAGERS_IN_SCOPE, "transfer"),
    (TENANT, "transfer-stub"): Row(MANAGERS_IN_SCOPE, "transfer"),
    (TENANT, "transfer-cancel"): Row(MANAGERS_IN_SCOPE, "transfer"),
    (TENANT, "transfer-letter"): Row(MANAGERS_IN_SCOPE, "transfer"),
    (TENANT, "transfer-incoming-list"): Row(MANAGERS, "incoming"),
    (TENANT, "transfer-incoming-detail"): Row(MANAGERS, "incoming"),
    (TENANT, "transfer-incoming-accept"): Row(MANAGERS, "incoming"),
    (TENANT, "transfer-incoming-reject"): Row(MANAGERS, "incoming"),
    (TENANT, "transfer-batch-list"): Row(MANAGERS, "batch", body_first=True),
    (TENANT, "transfer-batch-detail"): Row(MANAGERS_IN_SCOPE, "batch"),
    (TENANT, "transfers-batch-status"): Row(MANAGERS_IN_SCOPE, "batch"),
}
