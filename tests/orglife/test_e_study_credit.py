"""The party lectures and theme party days a member attended count toward their study, read from
organizational life: checked in, not cancelled, in the year asked, with the meeting's length."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from services.orglife.models import Attendee, Meeting
from services.orglife.study_credit import study_minutes

from .conftest import Branch, plan

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 14) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def attended(meeting: Meeting, *members) -> None:  # type: ignore[no-untyped-def]
    Attendee.objects.filter(meeting=meeting, member__in=members).update(checked_in_at=meeting.starts_at)


def test_lectures_and_theme_days_attended_count_with_their_length(branch: Branch) -> None:
    alice, bob = branch.members[3], branch.members[4]
    lecture = plan(
        branch, kind=Meeting.Kind.LECTURE, starts_at=at(2025, 3, 5), ends_at=at(2025, 3, 5) + timedelta(minutes=90)
    )
    theme_day = plan(branch, kind=Meeting.Kind.THEME_DAY, starts_at=at(2025, 4, 1))  # two hours
    committee = plan(branch, kind=Meeting.Kind.MEMBER_MEETING, starts_at=at(2025, 4, 8))
    cancelled = plan(branch, kind=Meeting.Kind.LECTURE, starts_at=at(2025, 5, 6))
    next_year = plan(branch, kind=Meeting.Kind.LECTURE, starts_at=at(2026, 1, 6))
    attended(lecture, alice, bob)
    attended(theme_day, alice)
    attended(committee, alice)
    attended(cancelled, alice)
    attended(next_year, alice)
    Meeting.objects.filter(pk=cancelled.pk).update(status=Meeting.Status.CANCELLED)
    assert study_minutes(member_ids=[alice.pk, bob.pk, branch.members[5].pk], year=2025) == {
        alice.pk: 90 + 120,
        bob.pk: 90,
    }
    assert study_minutes(member_ids=[alice.pk], year=2026) == {alice.pk: 120}
