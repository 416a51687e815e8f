"""Carrying a moved member's development dossier (发展档案, services/development) from the
sender's schema to the receiver's, inside the move's transaction (moves.py ``_move_pair``).

Without it a probationary member (预备党员) who moves cannot be confirmed (转正) by the receiving
branch: the confirmation guards (services/development/guards.py ``guards_for(to_stage="full")``)
read the admission date, the extension, the "approval" and "confirmation_application" steps and
the review state of every step. The copy keeps all of these, so each guard gives the same state
in the receiver as in the sender (tests/transfers/test_dossier_move.py).

Field by field, what is kept and what is set anew or cleared is the development capability's
declaration (services/development/portable.py: ``KEPT_*`` and ``LOCAL_*`` for ``Dossier``,
``DossierStep`` and ``DossierDocument``). In short: the stage, every stage date, the template and
the review states are kept; ``member`` and ``branch`` are the new ones; the login account, the
student number, the sender's vote ids, local steps and user references are cleared. The actors
(users and members of the sender) cannot be referenced: their names are appended to the note
("参与人：…", as the dossier page shows them). A vote's note ("#<vote id> …", the idempotency
mark of ``dossier_vote_outcome``) gets the sender's name in front, so it never matches a vote
of the receiver.

``DossierDocument``: each stored object is copied (storage ``open`` + ``save``) to the key the
development capability builds for an upload (``services.development.services.dossier_document_key``:
``<receiver schema>/development/<dossier>/<step>/<time>-<random><ext>``). The copies are written before
the transaction commits; objects copied before a failure here are deleted again, but a crash or
a rollback later leaves unreferenced objects under the receiver's ``development/`` prefix.

``DossierContact`` rows are not copied: contact persons and sponsors are the sender's members.
Their names survive twice: in the copied "contact_persons" / "sponsors" steps (note and
"参与人" line) and in a history row of the new member record ("培养联系人：…；入党介绍人：…").
The confirmation guards do not read contacts.

The sender's dossier stays as it is (history). Dossiers are not in the search index (no
provider registered for them), so nothing is queued for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from services.audit.services import audit_record_many
from services.development.models import Dossier, DossierContact, DossierDocument, DossierStep
from services.development.portable import KEPT_DOCUMENT_FIELDS, KEPT_DOSSIER_FIELDS, KEPT_STEP_FIELDS
from services.development.services import dossier_document_key
from services.members.models import Member, MemberChange
from services.organization.models import OrgUnit
from services.storage.backends import get_storage

from . import audit_events
from .common import history_row


@dataclass(frozen=True)
class Arriving:
    """One dossier to copy: the sender's dossier (steps, documents, actors and contacts
    prefetched), the new member and the target branch."""

    dossier: Dossier
    member: Member
    branch: OrgUnit


def read_dossiers(member_ids: Sequence[int]) -> dict[int, Dossier]:
    """The sender's dossiers of ``member_ids`` by member id, fully loaded (call in the sender's schema)."""
    steps = DossierStep.objects.order_by("pk").prefetch_related(
        Prefetch("documents", queryset=DossierDocument.objects.order_by("pk")), "actor_users", "actor_members"
    )
    contacts = DossierContact.objects.select_related("member").order_by("role", "assigned_on", "pk")
    dossiers = Dossier.objects.filter(member_id__in=list(member_ids)).prefetch_related(
        Prefetch("steps", queryset=steps), Prefetch("contacts", queryset=contacts)
    )
    return {d.member_id: d for d in dossiers if d.member_id is not None}


def _note(step: DossierStep, *, from_institution_name: str) -> str:
    note = step.note
    if note.startswith("#"):  # "#<vote id> …": dossier_vote_outcome's mark, the sender's vote ids
        note = f"{from_institution_name}{note}"
    names = [m.name for m in step.actor_members.all()] + [str(u) for u in step.actor_users.all()]
    if names:
        line = "{}：{}".format(_("参与人"), "、".join(names))
        note = f"{note}\n{line}" if note else line
    return note


def _contacts_line(dossier: Dossier) -> str:
    """ "培养联系人：张三（2022-03-01–）；入党介绍人：…" (assigned–ended) for the new record's history."""
    by_role: dict[str, list[str]] = {}
    for contact in dossier.contacts.all():
        span = f"{contact.assigned_on.isoformat()}–{contact.ended_on.isoformat() if contact.ended_on else ''}"
        by_role.setdefault(contact.get_role_display(), []).append(f"{contact.member.name}（{span}）")
    return "；".join(f"{role}：{'、'.join(names)}" for role, names in by_role.items())


def copy_dossiers(*, arriving: list[Arriving], from_institution_name: str, from_code: str) -> list[Dossier]:
    """Create the copies in the current (receiver's) schema, inside the caller's transaction."""
    if not arriving:
        return []
    copies = [
        Dossier(
            **{name: getattr(item.dossier, name) for name in KEPT_DOSSIER_FIELDS},
            member=item.member,
            branch=item.branch,
            user=None,
            number="",
        )
        for item in arriving
    ]
    Dossier.objects.bulk_create(copies)
    step_pairs: list[tuple[DossierStep, DossierStep]] = []
    for item, copy in zip(arriving, copies, strict=True):
        copy.created_at = item.dossier.created_at  # auto_now_add replaced it; bulk_update below
        for step in item.dossier.steps.all():
            fields = {name: getattr(step, name) for name in KEPT_STEP_FIELDS}
            note = _note(step, from_institution_name=from_institution_name)
            step_pairs.append((step, DossierStep(**fields, dossier=copy, note=note)))
    new_steps = DossierStep.objects.bulk_create([new for _old, new in step_pairs])
    for old, new in step_pairs:
        new.recorded_at = old.recorded_at  # auto_now_add replaced it
    Dossier.objects.bulk_update(copies, ["created_at"])
    DossierStep.objects.bulk_update(new_steps, ["recorded_at"])
    _copy_documents(step_pairs)
    MemberChange.objects.bulk_create(
        [
            history_row(member=item.member, acting_user=None, reason=line, changes={})
            for item in arriving
            if (line := _contacts_line(item.dossier))
        ]
    )
    audit_record_many(
        event=audit_events.ARRIVED,
        acting_user=None,
        targets=[("development.dossier", copy.pk) for copy in copies],
        detail={"action": "transfer.arrived", "from": from_code},
        per_target={copy.pk: {"member": copy.member_id} for copy in copies},
    )
    return copies


def _copy_documents(step_pairs: list[tuple[DossierStep, DossierStep]]) -> None:
    """Copy each stored file to the receiver's prefix, then add the rows. On a failure here the
    objects already copied are deleted again (the transaction rolls back)."""
    storage = get_storage()
    stored: list[str] = []
    documents: list[DossierDocument] = []
    uploaded_at = []
    try:
        for old_step, new_step in step_pairs:
            for old in old_step.documents.all():
                key = dossier_document_key(new_step, old.filename)
                with storage.open(old.storage_key) as stream:
                    storage.save(key, stream)
                stored.append(key)
                fields = {name: getattr(old, name) for name in KEPT_DOCUMENT_FIELDS}
                documents.append(DossierDocument(**fields, step=new_step, storage_key=key))
                uploaded_at.append(old.uploaded_at)
        DossierDocument.objects.bulk_create(documents)
        for document, when in zip(documents, uploaded_at, strict=True):
            document.uploaded_at = when  # auto_now_add replaced it
        DossierDocument.objects.bulk_update(documents, ["uploaded_at"])
    except BaseException:
        for key in stored:
            storage.delete(key)
        raise
