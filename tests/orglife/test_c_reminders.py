"""Reminders of organizational life (services/orglife/reminders.py): a meeting type due or overdue
for a branch, to its managers; tomorrow's meeting, to its attendees."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from services.members.models import Member
from services.orglife.models import Attendee, Meeting
from services.orglife.reminders import meeting_tomorrow, meeting_type_due
from tenants.models import Institution
from tests.conftest import make_user
from tests.orglife.conftest import Branch, plan


def _at(day: date, hour: int = 14) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _held(branch: Branch, kind: str, day: date, unit=None) -> None:  # type: ignore[no-untyped-def]
    Meeting.objects.create(unit=unit or branch.unit, kind=kind, topic="t", starts_at=_at(day), ends_at=_at(day, 16))


def _titles(today: date) -> dict[str, object]:
    return {due.key: due for due in meeting_type_due(today)}


def test_nothing_is_reminded_before_the_institution_records_its_first_meeting(branch: Branch) -> None:
    assert _titles(date(2026, 5, 3)) == {}
    _held(branch, Meeting.Kind.LECTURE, date(2026, 4, 20))
    found = _titles(date(2026, 5, 3))
    assert f"orglife.compliance:{branch.unit.pk}:theme_day:2026-04-01" in found
    assert f"orglife.compliance:{branch.unit.pk}:member_meeting:2026-01-01" not in found  # over before it


def test_the_previous_month_without_a_theme_day_is_overdue_to_the_branchs_managers(branch: Branch) -> None:
    _held(branch, Meeting.Kind.LECTURE, date(2026, 1, 5))  # the capability in use since January
    found = _titles(date(2026, 5, 3))
    key = f"orglife.compliance:{branch.unit.pk}:theme_day:2026-04-01"
    due = found[key]
    assert due.due_on == date(2026, 4, 30)  # type: ignore[attr-defined]
    assert "未召开主题党日" in due.title  # type: ignore[attr-defined]
    assert branch.secretary.pk in due.recipient_ids  # type: ignore[attr-defined]
    assert due.rule_key == "meetings.theme_day_months"  # type: ignore[attr-defined]
    assert "支部工作条例" in due.citation  # type: ignore[attr-defined]
    assert due.url == f"/orglife/board/{branch.unit.pk}/"  # type: ignore[attr-defined]


def test_a_held_meeting_closes_the_period_and_a_planned_one_silences_the_due_reminder(branch: Branch) -> None:
    _held(branch, Meeting.Kind.THEME_DAY, date(2026, 4, 10))
    today = date(2026, 5, 20)
    found = _titles(today)
    assert f"orglife.compliance:{branch.unit.pk}:theme_day:2026-04-01" not in found
    current = f"orglife.compliance:{branch.unit.pk}:theme_day:2026-05-01"
    assert current in found and "尚未召开" in found[current].title  # type: ignore[attr-defined]
    _held(branch, Meeting.Kind.THEME_DAY, date(2026, 5, 28))  # planned: not started on the scan day
    assert current not in _titles(today)


def test_a_quarter_is_not_due_before_the_lead_time(branch: Branch) -> None:
    _held(branch, Meeting.Kind.LECTURE, date(2025, 12, 5))
    found = _titles(date(2026, 4, 2))  # the second quarter ends 89 days later; the lead time is 30
    assert f"orglife.compliance:{branch.unit.pk}:member_meeting:2026-04-01" not in found
    assert f"orglife.compliance:{branch.unit.pk}:member_meeting:2026-01-01" in found  # the first one: overdue
    assert f"orglife.compliance:{branch.unit.pk}:member_meeting:2026-06-01" not in found
    late = _titles(date(2026, 6, 15))
    assert f"orglife.compliance:{branch.unit.pk}:member_meeting:2026-04-01" in late


def test_a_party_groups_meeting_is_reminded_for_the_group(branch: Branch) -> None:
    _held(branch, Meeting.Kind.GROUP_MEETING, date(2026, 4, 10), unit=branch.group)
    found = _titles(date(2026, 5, 3))
    assert f"orglife.compliance:{branch.group.pk}:group_meeting:2026-04-01" not in found
    assert branch.secretary.pk in found[f"orglife.compliance:{branch.group.pk}:group_meeting:2026-05-01"].recipient_ids  # type: ignore[attr-defined]


def test_tomorrows_meeting_reaches_its_attendees_but_not_the_excused(branch: Branch, inst_a: Institution) -> None:
    users = [make_user(inst_a, username=f"ol_att{i}") for i in range(2)]
    for user, member in zip(users, branch.members[3:5], strict=True):
        Member.objects.filter(pk=member.pk).update(user=user)
    meeting = plan(branch, topic="学习新党章")
    Attendee.objects.filter(meeting=meeting, member=branch.members[4]).update(leave=Attendee.Leave.APPROVED)
    [due] = list(meeting_tomorrow(timezone.localdate()))
    assert due.key == f"orglife.tomorrow:{meeting.pk}"
    assert "学习新党章" in due.title and "14:00" in due.title
    assert users[0].pk in due.recipient_ids and branch.secretary.pk in due.recipient_ids
    assert users[1].pk not in due.recipient_ids
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    assert list(meeting_tomorrow(timezone.localdate())) == []
