"""Writes of meeting minutes (docs/orglife.md "Minutes"): start them from the meeting type's
template, edit sections and checklist records, attach files, confirm (host and recorder: the
second confirmation finalizes), and add addenda to finalized minutes.

Finalized minutes, their sections, records and attachments, and their meeting's attendance rows
never change: the services refuse first with a clear message (and so do the model guards below,
for any code that saves or deletes a row), and the database refuses whatever gets past them
(triggers, migration 0002_d_minutes). A correction is an addendum, itself append-only.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.audit.services import audit_record
from services.storage.backends import get_storage
from services.storage.uploads import check_upload
from tenants.db import connection

from . import minutes_selectors as selectors
from .audit_events import (
    EVENT_MINUTES_ADDENDUM,
    EVENT_MINUTES_ATTACHED,
    EVENT_MINUTES_CONFIRMED,
    EVENT_MINUTES_DETACHED,
    EVENT_MINUTES_FINALIZED,
    EVENT_MINUTES_STARTED,
    EVENT_MINUTES_UPDATED,
)
from .minutes_checklist import checklist, missing_records, template_for
from .models import Attendee, Meeting, Minutes, MinutesAddendum, MinutesAttachment, MinutesSection, MinutesStep

FINALIZED = gettext_lazy("会议纪要已定稿，不能再修改；如需更正，请添加补充说明。")
ATTENDANCE_FROZEN = gettext_lazy("“%(meeting)s”的会议纪要已定稿，出席记录不能再修改。")
NO_RECORDER = gettext_lazy("会议未指定记录人，不能定稿")
NO_HOST = gettext_lazy("会议未指定主持人，不能定稿")
NOT_DRAFTER = gettext_lazy("只有记录人或“%(unit)s”的管理人员可以编写会议纪要。")
MAX_TEXT = 20000
STORAGE_PART = "minutes"


# --- guards ------------------------------------------------------------------------------------


def require_draft(minutes: Minutes) -> None:
    if Minutes.objects.filter(pk=minutes.pk, status=Minutes.Status.FINALIZED).exists():
        raise ValidationError(FINALIZED)


def attendance_frozen(meeting_id: int) -> bool:
    """Whether the meeting's minutes are finalized (its attendance rows never change again)."""
    return Minutes.objects.filter(meeting_id=meeting_id, status=Minutes.Status.FINALIZED).exists()


def require_attendance_open(meeting: Meeting) -> None:
    """For the services that write attendance rows (leave, check-in, marking): refuse once the
    minutes are finalized, with a message, before the database trigger would."""
    if attendance_frozen(meeting.pk):
        raise ValidationError(ATTENDANCE_FROZEN % {"meeting": meeting.topic})


def _guard_attendee(sender: Any, instance: Attendee, **kwargs: Any) -> None:
    if kwargs.get("raw") or not instance.meeting_id:
        return
    if attendance_frozen(instance.meeting_id):
        raise ValidationError(ATTENDANCE_FROZEN % {"meeting": instance.meeting.topic})


def _guard_minutes(sender: Any, instance: Minutes, **kwargs: Any) -> None:
    if instance.pk and not kwargs.get("raw"):
        require_draft(instance)


def _guard_part(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.minutes_id and not kwargs.get("raw"):
        require_draft(Minutes(pk=instance.minutes_id))


def _guard_addendum(sender: Any, instance: MinutesAddendum, **kwargs: Any) -> None:
    if instance.pk and MinutesAddendum.objects.filter(pk=instance.pk).exists():
        raise ValidationError(_("纪要的补充说明只能添加，不能修改或删除。"))


def connect_guards() -> None:
    """The model-level refusals (apps.ready): a save or delete of a frozen row through any code
    path that goes through the model (services, admin, shell) is a ValidationError."""
    for signal in (pre_save, pre_delete):
        signal.connect(_guard_attendee, sender=Attendee, dispatch_uid=f"orglife_attendee_{signal}")
        signal.connect(_guard_minutes, sender=Minutes, dispatch_uid=f"orglife_minutes_{signal}")
        signal.connect(_guard_addendum, sender=MinutesAddendum, dispatch_uid=f"orglife_addendum_{signal}")
        for part in (MinutesSection, MinutesStep, MinutesAttachment):
            signal.connect(_guard_part, sender=part, dispatch_uid=f"orglife_{part.__name__}_{signal}")


def _require_drafter(acting_user: Any, meeting: Meeting) -> None:
    if not selectors.can_draft(acting_user=acting_user, meeting=meeting):
        raise PermissionDenied(NOT_DRAFTER % {"unit": meeting.unit.name})


def _locked(minutes: Minutes) -> Minutes:
    locked = Minutes.objects.select_for_update().select_related("meeting__unit").get(pk=minutes.pk)
    require_draft(locked)
    return locked


# --- drafting ----------------------------------------------------------------------------------


def minutes_start(*, acting_user: Any, meeting: Meeting, variant: str = "") -> Minutes:
    """The meeting's minutes (made on first use): the sections and checklist of its type's
    template in force on the meeting's date (``variant``: e.g. "admission" for the member meeting
    that admits a probationary member), with the attendance summary read from its list."""
    _require_drafter(acting_user, meeting)
    existing = selectors.minutes_of(meeting)
    if existing is not None:
        return existing
    template = template_for(meeting=meeting, variant=variant)
    with transaction.atomic():
        minutes = Minutes.objects.create(
            meeting=meeting,
            template=template,
            attendance=selectors.attendance_summary(meeting),
            drafted_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        if template is not None:
            MinutesSection.objects.bulk_create(
                [
                    MinutesSection(minutes=minutes, number=s.number, code=s.code, title=s.title, hint=s.hint)
                    for s in template.sections.order_by("number")
                ]
            )
            MinutesStep.objects.bulk_create(
                [
                    MinutesStep(
                        minutes=minutes,
                        number=number,
                        template_step=item.template_step,
                        local_step=item.local_step,
                        title=item.title,
                        record_required=item.record_required,
                        record_hint=item.record_hint,
                    )
                    for number, item in enumerate(checklist(template), start=1)
                ]
            )
        audit_record(
            event=EVENT_MINUTES_STARTED,
            actor=acting_user,
            target=minutes,
            after={"meeting": meeting.pk, "template": template.pk if template else None},
        )
    return minutes


def _clean(text: str, *, what: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(_("“%(what)s”超过 %(max)s 字，请精简。") % {"what": what, "max": MAX_TEXT})
    return text


def minutes_update(
    *, acting_user: Any, minutes: Minutes, sections: Mapping[str, str], records: Mapping[int, str]
) -> Minutes:
    """Write the sections (by code) and the checklist records (by step id) given, refresh the
    attendance summary, and withdraw any confirmation (the text confirmed is no longer the text)."""
    _require_drafter(acting_user, minutes.meeting)
    with transaction.atomic():
        locked = _locked(minutes)
        changed: list[str] = []
        for section in locked.sections.all():
            if section.code in sections:
                text = _clean(sections[section.code], what=section.title)
                if text != section.text:
                    section.text = text
                    section.save(update_fields=["text"])
                    changed.append(section.code)
        for step in locked.steps.all():
            if step.pk in records:
                text = _clean(records[step.pk], what=step.title)
                if text != step.text:
                    step.text = text
                    step.save(update_fields=["text"])
                    changed.append(f"step:{step.number}")
        locked.attendance = selectors.attendance_summary(locked.meeting)
        if changed:
            _withdraw_confirmations(locked)
        locked.save()
        audit_record(event=EVENT_MINUTES_UPDATED, actor=acting_user, target=locked, after={"changed": changed})
    return locked


def _withdraw_confirmations(minutes: Minutes) -> None:
    minutes.host_confirmed_by = minutes.recorder_confirmed_by = None
    minutes.host_confirmed_at = minutes.recorder_confirmed_at = None


def _storage_key(minutes: Minutes, filename: str) -> str:
    suffix = "." + filename.rsplit(".", 1)[1].lower()[:10] if "." in filename else ""
    stamp = int(time.time())
    return f"{connection.schema_name}/{STORAGE_PART}/{minutes.pk}/a-{stamp}-{uuid.uuid4().hex[:12]}{suffix}"


def storage_key_age(key: str) -> timedelta | None:
    """How old a stored attachment is, from the time in its key (for the storage sweeper)."""
    parts = key.rsplit("/", 1)[-1].split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return None
    return timedelta(seconds=max(0.0, time.time() - int(parts[1])))


def minutes_attach(
    *, acting_user: Any, minutes: Minutes, stream: IO[bytes], filename: str, step: MinutesStep | None = None
) -> MinutesAttachment:
    """Store a file (checked as every upload is: size, sniffed type, no executables) and list it
    with the minutes, as the record of ``step`` if given."""
    _require_drafter(acting_user, minutes.meeting)
    require_draft(minutes)
    if step is not None and step.minutes_id != minutes.pk:
        raise ValidationError(_("这个步骤不属于这份会议纪要。"))
    upload = check_upload(stream, filename=filename)
    try:
        with transaction.atomic():
            locked = _locked(minutes)
            key = _storage_key(locked, upload.filename)
            get_storage().save(key, upload.file)
            attachment = MinutesAttachment.objects.create(
                minutes=locked,
                step=step,
                filename=upload.filename,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                storage_key=key,
                uploaded_by=acting_user if getattr(acting_user, "pk", None) else None,
            )
            _withdraw_confirmations(locked)
            locked.save()
            audit_record(
                event=EVENT_MINUTES_ATTACHED,
                actor=acting_user,
                target=locked,
                after={"filename": upload.filename, "size": upload.size, "step": step.number if step else None},
            )
    finally:
        upload.close()
    return attachment


def minutes_detach(*, acting_user: Any, attachment: MinutesAttachment) -> None:
    """Remove an attachment of draft minutes (the stored file goes after the commit)."""
    minutes = attachment.minutes
    _require_drafter(acting_user, minutes.meeting)
    with transaction.atomic():
        locked = _locked(minutes)
        key, filename = attachment.storage_key, attachment.filename
        attachment.delete()
        _withdraw_confirmations(locked)
        locked.save()
        audit_record(event=EVENT_MINUTES_DETACHED, actor=acting_user, target=locked, before={"filename": filename})
        transaction.on_commit(lambda: get_storage().delete(key))


# --- finalizing --------------------------------------------------------------------------------


def _require_finalizable(minutes: Minutes) -> None:
    meeting = minutes.meeting
    if meeting.recorder_id is None:
        raise ValidationError(NO_RECORDER)
    if meeting.host_id is None:
        raise ValidationError(NO_HOST)
    if not selectors.meeting_held(meeting):
        raise ValidationError(_("会议尚未召开或已取消，不能定稿。"))
    missing = missing_records(minutes)
    if missing:
        raise ValidationError(
            _("以下步骤须有记录（文字或附件）才能定稿：%(steps)s。")
            % {"steps": "、".join(f"{step.number}. {step.title}" for step in missing)}
        )


def minutes_finalize(*, acting_user: Any, minutes: Minutes) -> Minutes:
    """Confirm the minutes as their host and/or recorder (the accounts of those members). When
    both have confirmed, the minutes are finalized: the attendance summary is read a last time
    and the minutes and the meeting's attendance rows are frozen from then on."""
    meeting = minutes.meeting
    as_host = selectors.is_host(acting_user=acting_user, meeting=meeting)
    as_recorder = selectors.is_recorder(acting_user=acting_user, meeting=meeting)
    require_draft(minutes)
    _require_finalizable(minutes)
    if not (as_host or as_recorder):
        raise PermissionDenied(_("只有会议的主持人和记录人可以确认会议纪要。"))
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(minutes)
        _require_finalizable(locked)
        roles = []
        if as_host and locked.host_confirmed_at is None:
            locked.host_confirmed_by, locked.host_confirmed_at = acting_user, now
            roles.append("host")
        if as_recorder and locked.recorder_confirmed_at is None:
            locked.recorder_confirmed_by, locked.recorder_confirmed_at = acting_user, now
            roles.append("recorder")
        if not roles:
            raise ValidationError(_("您已确认过这份会议纪要，请等待另一方确认。"))
        audit_record(event=EVENT_MINUTES_CONFIRMED, actor=acting_user, target=locked, after={"roles": roles})
        if locked.host_confirmed_at and locked.recorder_confirmed_at:
            locked.attendance = selectors.attendance_summary(meeting)
            locked.status, locked.finalized_at = Minutes.Status.FINALIZED, now
            audit_record(
                event=EVENT_MINUTES_FINALIZED,
                actor=acting_user,
                target=locked,
                after={"meeting": meeting.pk, "attendance": locked.attendance},
            )
        # The last write of draft minutes: the guard reads the stored status, still a draft.
        locked.save()
    return locked


def minutes_addendum_add(*, acting_user: Any, minutes: Minutes, text: str) -> MinutesAddendum:
    """A correction of finalized minutes, shown beside the original (never an edit of it)."""
    if not selectors.can_add_addendum(acting_user=acting_user, meeting=minutes.meeting):
        raise PermissionDenied(_("只有主持人、记录人或本组织的管理人员可以添加补充说明。"))
    if minutes.status != Minutes.Status.FINALIZED:
        raise ValidationError(_("会议纪要尚未定稿，请直接修改纪要。"))
    body = _clean(text, what=_("补充说明"))
    if not body:
        raise ValidationError({"text": [_("请填写补充说明。")]})
    name = getattr(acting_user, "display_name", "") or getattr(acting_user, "username", "")
    with transaction.atomic():
        addendum = MinutesAddendum.objects.create(minutes=minutes, text=body, author=acting_user, author_name=name)
        audit_record(event=EVENT_MINUTES_ADDENDUM, actor=acting_user, target=minutes, after={"text": body[:500]})
    return addendum
