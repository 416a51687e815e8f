"""Every write to development dossiers (docs/domain.md#development): one audited transaction each.

"一人一档、一事一记、一步一审": a dossier per person (``dossier_create``), a step for each thing
done (``dossier_step_record``, with its documents through services/storage), a manager's review
of each step (``dossier_step_review``). Stages move only through ``dossier_advance`` (applicant →
activist → development target, guards checked) and ``dossier_vote_outcome`` (the branch member
meeting's admission and confirmation votes, called by services/votes). Probation is extended once
or cancelled by ``dossier_probation_extend`` / ``dossier_end``.

The stage changes live in stages.py and are re-exported here, so callers import them from
``services.development.services``; contact persons and sponsors are written by contacts.py.

Who may write: those who manage the dossier's branch (services/organization/scope.py). A service
called by another service with ``acting_user=None`` (the votes capability after its own check,
demo data) skips that check.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.accounts.models import User
from services.crypto import blind_index
from services.members import national_id as national_id_rules
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.scope import scope_for
from services.procedures.models import Stage, TemplateStep
from services.procedures.selectors import template_in_force
from services.storage.backends import get_storage
from services.storage.uploads import check_upload

from .common import (
    EVENT_DOCUMENT_OPENED,
    EVENT_DOSSIER_CREATED,
    EVENT_LOCAL_STEP_CHANGED,
    EVENT_STEP_RECORDED,
    EVENT_STEP_REVIEWED,
    _add_step,
    _audit,
    _locked,
    _require_manage,
    can_set_local_steps,
)
from .input_checks import _check_age, _check_step, _checked_application, _which_step
from .models import Dossier, DossierDocument, DossierStep, LocalStep
from .publicity import publicity_publish
from .stages import (
    ADMISSION,
    CONFIRMATION,
    dossier_advance,
    dossier_end,
    dossier_probation_extend,
    dossier_vote_outcome,
)

__all__ = [
    "ADMISSION",
    "CONFIRMATION",
    "Upload",
    "dossier_advance",
    "dossier_create",
    "dossier_document_open",
    "dossier_end",
    "dossier_probation_extend",
    "dossier_step_record",
    "dossier_step_review",
    "dossier_vote_outcome",
    "local_step_save",
]


def _refuse_a_second_record(*, acting_user: Any, index: str) -> None:
    """One person, one open dossier, and no dossier for a member. The record that is in the way is
    named only to a user who can see its branch; to anyone else the refusal is the same whatever
    lies behind it, so it never confirms that a person exists outside their scope."""
    scope = scope_for(acting_user)
    open_dossier = (
        Dossier.objects.filter(national_id_index=index).exclude(stage=Stage.ENDED).select_related("branch").first()
    )
    if open_dossier is not None and scope.covers_unit(open_dossier.branch):
        raise ValidationError(
            {"national_id": [_("此人已有进行中的发展档案（%(unit)s）。") % {"unit": open_dossier.branch.name}]}
        )
    member = None if open_dossier else Member.objects.filter(national_id_index=index).select_related("branch").first()
    if member is not None and scope.covers_unit(member.branch):
        raise ValidationError(
            {"national_id": [_("此人已有党员档案（%(unit)s），无需发展。") % {"unit": member.branch.name}]}
        )
    if open_dossier is not None or member is not None:
        raise ValidationError({"national_id": [_("该身份证号无法登记发展档案，请联系学校党委组织部。")]})


def dossier_create(
    *,
    acting_user: Any,
    branch: OrgUnit,
    name: str,
    national_id: str,
    category: str,
    applied_on: date,
    number: str = "",
    gender: str | None = None,
    birth_date: date | None = None,
    user: User | None = None,
    note: str = "",
) -> Dossier:
    """Open a dossier for an application (入党申请): the person, their branch and the date the
    written application was received. Refused when the person is under ``development.min_age``
    (18) on that date (``guards.age_guard``), when the ID number is invalid, or when the person
    already has an open dossier or a member record. Records the "application" step."""
    _require_manage(acting_user=acting_user, branch=branch)
    number_id = _checked_application(
        branch=branch, name=name, national_id=national_id, gender=gender, birth_date=birth_date, applied_on=applied_on
    )
    birth_date = birth_date or national_id_rules.birth_date(number_id)
    gender = gender or national_id_rules.gender(number_id)
    _check_age(birth_date=birth_date, applied_on=applied_on)
    index = blind_index(number_id)
    with transaction.atomic():
        _refuse_a_second_record(acting_user=acting_user, index=index)
        dossier = Dossier.objects.create(
            name=name.strip(),
            gender=gender,
            birth_date=birth_date,
            national_id=number_id,
            national_id_index=index,
            category=category,
            number=number,
            user=user,
            branch=branch,
            stage=Stage.APPLICANT,
            applied_on=applied_on,
            template=template_in_force(on=applied_on),
        )
        _add_step(dossier=dossier, code="application", occurred_on=applied_on, acting_user=acting_user, note=note)
        _audit(
            EVENT_DOSSIER_CREATED,
            actor=acting_user,
            target=dossier,
            after={"name": dossier.name, "branch": branch.name, "applied_on": applied_on.isoformat()},
        )
    return dossier


@dataclass(frozen=True)
class Upload:
    """A document to attach to a step: the kind (one of the step's required documents, or free
    text), the file name as uploaded and a readable binary stream."""

    kind: str
    filename: str
    stream: IO[bytes]


def dossier_document_key(step: DossierStep, filename: str) -> str:
    """``<schema>/development/<dossier>/<step>/<unix time>-<random><ext>``: one prefix per institution."""
    suffix = "." + filename.rsplit(".", 1)[1].lower()[:10] if "." in filename else ""
    name = f"{int(time.time())}-{uuid.uuid4().hex[:12]}{suffix}"
    schema = getattr(connection, "schema_name", "public")
    return f"{schema}/development/{step.dossier_id}/{step.pk}/{name}"


def _store_documents(*, step: DossierStep, uploads: Sequence[Upload], acting_user: Any) -> list[DossierDocument]:
    """Check and store each upload, then add its row (inside the caller's transaction). Objects
    stored before a failure here are removed again; the time in the key lets a sweeper find an
    object whose transaction rolled back later."""
    storage = get_storage()
    stored: list[str] = []
    documents: list[DossierDocument] = []
    try:
        for upload in uploads:
            checked = check_upload(upload.stream, filename=upload.filename)
            key = dossier_document_key(step, checked.filename)
            with checked.file:
                storage.save(key, checked.file)
            stored.append(key)
            documents.append(
                DossierDocument.objects.create(
                    step=step,
                    kind=(upload.kind or "").strip()[:50] or _("其他材料"),
                    filename=checked.filename,
                    storage_key=key,
                    size=checked.size,
                    content_type=checked.content_type,
                    uploaded_by=acting_user if isinstance(acting_user, User) else None,
                )
            )
    except BaseException:
        for key in stored:
            storage.delete(key)
        raise
    return documents


def dossier_step_record(
    *,
    dossier: Dossier,
    acting_user: Any,
    occurred_on: date,
    code: str = "",
    local_step: LocalStep | None = None,
    ends_on: date | None = None,
    hours: Decimal | None = None,
    days: int | None = None,
    note: str = "",
    actor_users: Iterable[User] = (),
    actor_members: Iterable[Member] = (),
    uploads: Sequence[Upload] = (),
) -> DossierStep:
    """Record one step ("一事一记"): a standard step by ``code`` or a local step, with its date
    (not in the future, not before the application), an optional end date (the last day of the
    publicity period or of a training), training hours/days, actors, a note and documents. The
    step waits for a manager's review (``dossier_step_review``)."""
    _require_manage(acting_user=acting_user, branch=dossier.branch)
    template_step, stage_of_step, title, step_code = _which_step(dossier, code=code, local_step=local_step)
    _check_step(
        dossier, stage_of_step=stage_of_step, title=title, occurred_on=occurred_on, ends_on=ends_on, hours=hours
    )
    with transaction.atomic():
        locked = _locked(dossier)
        step = DossierStep.objects.create(
            dossier=locked,
            template_step=template_step,
            local_step=local_step,
            code=step_code,
            title=title,
            occurred_on=occurred_on,
            ends_on=ends_on,
            hours=hours,
            days=days,
            note=note.strip(),
            recorded_by=acting_user if isinstance(acting_user, User) else None,
        )
        if actor_users:
            step.actor_users.set(list(actor_users))
        if actor_members:
            step.actor_members.set(list(actor_members))
        documents = _store_documents(step=step, uploads=uploads, acting_user=acting_user)
        _audit(
            EVENT_STEP_RECORDED,
            actor=acting_user,
            target=step,
            after={"dossier": locked.pk, "code": step_code, "title": title, "occurred_on": occurred_on.isoformat()},
            detail={"documents": [d.filename for d in documents]},
        )
        if step_code == "committee_review":  # the publicity starts: the 党务公开 board names the candidate
            publicity_publish(acting_user=acting_user, dossier=locked)
    return step


def dossier_document_open(*, document: DossierDocument, acting_user: Any) -> IO[bytes]:
    """The stored file of a dossier document (political review materials, volunteer forms...):
    every opening is audited. The caller has checked that the user may see the dossier."""
    stream = get_storage().open(document.storage_key)
    _audit(
        EVENT_DOCUMENT_OPENED,
        actor=acting_user,
        target=document,
        detail={"dossier": document.step.dossier_id, "filename": document.filename},
    )
    return stream


def dossier_step_review(*, step: DossierStep, approve: bool, acting_user: Any, note: str = "") -> DossierStep:
    """Review a recorded step ("一步一审"): approve it, or send it back with a reason (a rejected
    step no longer counts for the guards). A step is reviewed once."""
    _require_manage(acting_user=acting_user, branch=step.dossier.branch)
    if not approve and not note.strip():
        raise ValidationError({"note": [_("退回时请填写审核意见。")]})
    with transaction.atomic():
        locked = DossierStep.objects.select_for_update().get(pk=step.pk)
        if locked.review != DossierStep.Review.RECORDED:
            raise ValidationError(_("该步骤已审核。"))
        locked.review = DossierStep.Review.APPROVED if approve else DossierStep.Review.REJECTED
        locked.reviewed_by = acting_user if isinstance(acting_user, User) else None
        locked.reviewed_at = timezone.now()
        locked.review_note = note.strip()
        locked.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
        _audit(
            EVENT_STEP_REVIEWED,
            actor=acting_user,
            target=locked,
            after={"review": locked.review, "note": locked.review_note},
        )
    return locked


# --- stages ---------------------------------------------------------------------------------------


def local_step_save(
    *,
    acting_user: Any,
    after_step: TemplateStep,
    title: str,
    documents: list[str],
    description: str = "",
    local_step: LocalStep | None = None,
    active: bool = True,
) -> LocalStep:
    """Add (or change) a local step after a standard step of the template in force. Only the
    institution's administrators may: a local step applies to every branch."""
    if not can_set_local_steps(acting_user=acting_user):
        raise PermissionDenied(_("只有学校管理员可以设置本校步骤。"))
    if not title.strip():
        raise ValidationError({"title": [_("请填写步骤名称。")]})
    with transaction.atomic():
        step = local_step or LocalStep(created_by=acting_user if isinstance(acting_user, User) else None)
        before = {"title": step.title, "active": step.active} if local_step else None
        step.after_step = after_step
        step.title = title.strip()
        step.description = description.strip()
        step.documents = [d.strip() for d in documents if d.strip()]
        step.active = active
        step.save()
        _audit(
            EVENT_LOCAL_STEP_CHANGED,
            actor=acting_user,
            target=step,
            before=before,
            after={"title": step.title, "after_step": after_step.number, "active": active},
        )
    return step
