"""What of a development dossier (发展档案) travels with its person to another institution, field by
field: the dossier's portable fields. The transfer move (services/transfers/dossier_copy.py)
copies the ``KEPT_*`` fields as they are and sets or clears the ``LOCAL_*`` ones; every field of
``Dossier``, ``DossierStep`` and ``DossierDocument`` is in one list or the other
(tests/development/test_portable.py fails on a field in neither).

The copy keeps what the confirmation guards (guards.py ``guards_for(to_stage="full")``) read (the
admission date, the extension, the "approval" and "confirmation_application" steps and the review
state of every step), so each guard gives the same state in the receiver as in the sender. What
is the sender's own (its users, members, votes, local steps and stored objects) cannot be referenced
from another institution's schema: it is replaced, cleared or named in text instead.

Not carried at all: ``DossierContact`` (contact persons and sponsors are the sender's members;
their names go into the new member record's history) and ``LocalStep`` (the sender's own steps).
"""

from __future__ import annotations

# Names are attribute names (``template_id``): the values are copied as they are.
KEPT_DOSSIER_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "national_id",  # encrypted at rest; the keys and the blind index are deployment-wide
    "national_id_index",
    "national_id_tail_index",  # recomputed from the number when the copy is written
    "category",
    "stage",
    "applied_on",
    "activist_on",
    "target_on",
    "admitted_on",
    "probation_ends_on",
    "extension_months",
    "extension_reason",
    "confirmed_on",
    "ended_on",
    "ended_reason",
    "template_id",  # the procedure template lives in the public schema, shared
    "created_at",
)
LOCAL_DOSSIER_FIELDS: dict[str, str] = {
    "id": "a new row in the receiver's schema",
    "number": "cleared: the sender's student/staff number (the member record does not carry it either)",
    "user": "cleared: accounts are per institution",
    "branch": "the letter's target branch",
    "admission_vote_id": "cleared: a receiver's vote with the same id would be taken for one already applied",
    "confirmation_vote_id": "cleared: as admission_vote_id",
    "member": "the new member record",
    "updated_at": "set when the copy is written (auto_now)",
}

KEPT_STEP_FIELDS = (
    "template_step_id",  # public schema, shared
    "code",
    "title",
    "occurred_on",
    "ends_on",
    "hours",
    "days",
    "review",
    "recorded_at",
    "reviewed_at",
    "review_note",
)
LOCAL_STEP_FIELDS: dict[str, str] = {
    "id": "a new row in the receiver's schema",
    "dossier": "the new dossier",
    "local_step": "cleared: the sender's local steps do not exist in the receiver (code 'local' and the title "
    "still read right)",
    "note": "kept, with the actors' names appended (参与人：…) and a vote's mark (#<vote id>) prefixed with the "
    "sender's name, so it never matches a vote of the receiver",
    "actor_users": "not copied: users of the sender, named in the note",
    "actor_members": "not copied: members of the sender, named in the note",
    "recorded_by": "cleared: users are per institution",
    "reviewed_by": "cleared: users are per institution",
}

KEPT_DOCUMENT_FIELDS = ("kind", "filename", "size", "content_type", "uploaded_at")
LOCAL_DOCUMENT_FIELDS: dict[str, str] = {
    "id": "a new row in the receiver's schema",
    "step": "the new step",
    "storage_key": "the stored object is copied to the key the receiver builds for an upload (dossier_document_key)",
    "uploaded_by": "cleared: users are per institution",
}
