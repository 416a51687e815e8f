"""Writes of organizational life. Each service checks that the acting user manages the meeting's
unit, runs in one transaction with an audit row and schedules side effects on commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.audit.services import audit_record
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.scope import require_manage

from .attendance_lists import branch_of, should_attend, unit_kind_fits
from .audit_events import EVENT_MEETING_CANCELLED, EVENT_MEETING_CREATED, EVENT_MEETING_UPDATED
from .models import Attendee, Meeting

NOT_YOURS = gettext_lazy("您无权管理“%(unit)s”的组织生活。")


def _require_valid_meeting(
    *, unit: OrgUnit, kind: str, topic: str, starts_at: datetime, ends_at: datetime, people: Sequence[Member]
) -> None:
    errors: dict[str, str] = {}
    if kind not in Meeting.Kind.values:
        errors["kind"] = _("请选择会议类型。")
    elif not unit_kind_fits(kind=kind, unit=unit):
        errors["unit"] = (
            _("党小组会由党小组召开，请选择一个党小组。")
            if kind == Meeting.Kind.GROUP_MEETING
            else _("这类会议由党支部召开，请选择一个党支部。")
        )
    if unit.closed_on is not None:
        errors["unit"] = _("“%(unit)s”已撤销，不能再安排会议。") % {"unit": unit.name}
    if not topic.strip():
        errors["topic"] = _("请填写会议主题。")
    if ends_at <= starts_at:
        errors["ends_at"] = _("结束时间应晚于开始时间。")
    branch = branch_of(unit)
    for person in people:
        if person.branch_id != branch.pk:
            errors["host"] = _("主持人和记录人应是“%(unit)s”的党员。") % {"unit": branch.name}
    if errors:
        raise ValidationError(errors)


def meeting_create(
    *,
    acting_user: Any,
    unit: OrgUnit,
    kind: str,
    topic: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    online_url: str = "",
    agenda: str = "",
    host: Member | None = None,
    recorder: Member | None = None,
    lecturer: str = "",
    invitees: Sequence[Any] = (),
    participants: Sequence[Member] = (),
    allow_guests: bool = False,
) -> Meeting:
    """A meeting of ``unit`` with its should-attend list frozen now (attendance_lists.py), and the
    ``invitees`` (development dossiers: activists, development targets) listed as 列席."""
    require_manage(acting_user=acting_user, unit=unit, message=NOT_YOURS)
    people = [person for person in (host, recorder) if person is not None]
    _require_valid_meeting(unit=unit, kind=kind, topic=topic, starts_at=starts_at, ends_at=ends_at, people=people)
    on = timezone.localtime(starts_at).date()
    expected = should_attend(kind=kind, unit=unit, on=on, participants=participants)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            unit=unit,
            kind=kind,
            topic=topic.strip(),
            agenda=agenda.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            place=place.strip(),
            online_url=online_url.strip(),
            host=host,
            recorder=recorder,
            lecturer=lecturer.strip(),
            allow_guests=allow_guests,
            created_by=acting_user,
        )
        rows = [Attendee(meeting=meeting, member=member, name=member.name) for member in expected]
        unique_invitees = {dossier.pk: dossier for dossier in invitees}.values()
        rows += [
            Attendee(meeting=meeting, dossier=dossier, name=dossier.name, role=Attendee.Role.INVITEE)
            for dossier in unique_invitees
        ]
        Attendee.objects.bulk_create(rows)
        audit_record(
            event=EVENT_MEETING_CREATED,
            actor=acting_user,
            target=meeting,
            after={
                "unit": unit.pk,
                "kind": kind,
                "starts_at": starts_at.isoformat(),
                "topic": meeting.topic,
                "should_attend": len(expected),
                "invitees": len(unique_invitees),
            },
        )
    return meeting


class _Keep:
    """A field ``meeting_update`` leaves as it is (None is a value: no host, no recorder)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()
EDITABLE = ("topic", "agenda", "starts_at", "ends_at", "place", "online_url", "host", "recorder", "lecturer")


def _locked_open_meeting(meeting: Meeting, *, now: datetime) -> Meeting:
    """The meeting, locked, if it is planned and has not started; a ValidationError otherwise."""
    locked = Meeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)
    if locked.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("这次会议已取消，不能再修改。"))
    if locked.starts_at <= now:
        raise ValidationError(_("会议已经开始，不能再修改或取消；会后情况请记入会议记录。"))
    return locked


def _audit_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Member):
        return value.pk
    return value


def meeting_update(
    *,
    acting_user: Any,
    meeting: Meeting,
    topic: str = KEEP,
    agenda: str = KEEP,
    starts_at: datetime = KEEP,
    ends_at: datetime = KEEP,
    place: str = KEEP,
    online_url: str = KEEP,
    host: Member | None = KEEP,
    recorder: Member | None = KEEP,
    lecturer: str = KEEP,
) -> Meeting:
    """Change the topic, agenda, time, place, link or people of a planned meeting that has not
    started. The should-attend list stays as it was frozen at creation (it is not recomputed for a
    new date): a change of who is expected is a new meeting."""
    require_manage(acting_user=acting_user, unit=meeting.unit, message=NOT_YOURS)
    sent: dict[str, Any] = {
        "topic": topic,
        "agenda": agenda,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place,
        "online_url": online_url,
        "host": host,
        "recorder": recorder,
        "lecturer": lecturer,
    }
    given = {name: value for name, value in sent.items() if value is not KEEP}
    now = timezone.now()
    with transaction.atomic():
        locked = _locked_open_meeting(meeting, now=now)
        values: dict[str, Any] = {name: given.get(name, getattr(locked, name)) for name in EDITABLE}
        for name in ("topic", "agenda", "place", "online_url", "lecturer"):
            values[name] = values[name].strip()
        people = [person for person in (values["host"], values["recorder"]) if person is not None]
        _require_valid_meeting(
            unit=locked.unit,
            kind=locked.kind,
            topic=values["topic"],
            starts_at=values["starts_at"],
            ends_at=values["ends_at"],
            people=people,
        )
        if values["starts_at"] <= now:
            raise ValidationError({"starts_at": _("新的开始时间已经过去，请选择以后的时间。")})
        changed = [name for name in EDITABLE if values[name] != getattr(locked, name)]
        if not changed:
            return locked
        before = {name: _audit_value(getattr(locked, name)) for name in changed}
        for name in changed:
            setattr(locked, name, values[name])
        locked.save(update_fields=[*changed, "updated_at"])
        audit_record(
            event=EVENT_MEETING_UPDATED,
            actor=acting_user,
            target=locked,
            before=before,
            after={name: _audit_value(values[name]) for name in changed},
        )
    return locked


def meeting_cancel(*, acting_user: Any, meeting: Meeting, reason: str) -> Meeting:
    """Call off a planned meeting that has not started, saying why. It stays on record (and on its
    list pages) as cancelled; it is never deleted and never counts as held."""
    require_manage(acting_user=acting_user, unit=meeting.unit, message=NOT_YOURS)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因。")})
    now = timezone.now()
    with transaction.atomic():
        locked = _locked_open_meeting(meeting, now=now)
        locked.status = Meeting.Status.CANCELLED
        locked.cancel_reason = reason.strip()
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
        audit_record(
            event=EVENT_MEETING_CANCELLED,
            actor=acting_user,
            target=locked,
            before={"status": Meeting.Status.PLANNED},
            after={"status": Meeting.Status.CANCELLED, "reason": locked.cancel_reason},
        )
    return locked
