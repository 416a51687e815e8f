"""The organizational life meeting's record per participant (组织生活会; docs/orglife.md): each
member's self-criticism, the criticism raised, and the rectification they commit to. The meeting's
topics are its topic and agenda; these notes are the part of its minutes that is per person.

Written by the meeting's recorder or a manager of the branch, for people on the meeting's list.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.members.models import Member
from services.organization.scope import can_manage

from .audit_events import EVENT_LIFE_NOTE_SAVED
from .minutes import attendance_frozen
from .models import Attendee, LifeMeetingNote, Meeting

FIELDS = ("self_criticism", "criticism_received", "rectification")


def can_write_life_notes(*, acting_user: Any, meeting: Meeting) -> bool:
    """The meeting's recorder, or a manager of its unit."""
    if meeting.recorder_id is not None and Member.objects.filter(pk=meeting.recorder_id, user=acting_user).exists():
        return True
    return can_manage(acting_user=acting_user, unit=meeting.unit)


def life_notes(*, meeting: Meeting) -> list[tuple[Attendee, LifeMeetingNote | None]]:
    """The meeting's members on the list, each with their note (None: not written yet)."""
    notes = {note.member_id: note for note in meeting.life_notes.all()}
    people = meeting.attendees.filter(member__isnull=False, role=Attendee.Role.MEMBER).order_by("name", "pk")
    return [(person, notes.get(person.member_id)) for person in people]


def life_note_save(*, acting_user: Any, meeting: Meeting, member: Member, **texts: str) -> LifeMeetingNote:
    if not can_write_life_notes(acting_user=acting_user, meeting=meeting):
        raise PermissionDenied(_("只有会议记录人和支部管理者可以填写批评与自我批评记录。"))
    if meeting.kind != Meeting.Kind.LIFE_MEETING:
        raise ValidationError(_("只有组织生活会需要填写批评与自我批评记录。"))
    if not meeting.attendees.filter(member=member, role=Attendee.Role.MEMBER).exists():
        raise ValidationError(_("%(name)s 不在本次会议的应到名单中。") % {"name": member.name})
    if attendance_frozen(meeting.pk):
        raise ValidationError(_("会议纪要已定稿，批评与自我批评记录不能再修改；如需更正，请添加纪要补充说明。"))
    values = {field: (texts.get(field) or "").strip() for field in FIELDS}
    with transaction.atomic():
        note, created = LifeMeetingNote.objects.select_for_update().get_or_create(
            meeting=meeting, member=member, defaults={"name": member.name, "updated_by": acting_user, **values}
        )
        changed = [field for field in FIELDS if created or getattr(note, field) != values[field]]
        if not created and changed:
            for field in changed:
                setattr(note, field, values[field])
            note.updated_by = acting_user
            note.save(update_fields=[*changed, "updated_by", "updated_at"])
        audit_record(
            event=EVENT_LIFE_NOTE_SAVED,
            actor=acting_user,
            target=note,
            after={"meeting": meeting.pk, "member": member.pk, "changed": changed},
        )
    return note
