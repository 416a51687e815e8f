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
from .audit_events import EVENT_MEETING_CREATED
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
