"""A year's hours from the three sources, against the rule for members or for secretaries and
committee members; the per-branch figure for oversight; the plan-behind reminder to the member;
rankings only where the institution turns them on."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from services.orglife.models import Attendee, Meeting
from services.orglife.services import meeting_create
from services.rule_overrides.models import RuleOverride
from services.study.figures import unit_figures
from services.study.hours import hours_of
from services.study.models import Progress, Training
from services.study.reminders import behind
from services.study.selectors import branch_members, my_study

from .conftest import World

pytestmark = pytest.mark.django_db


def _lecture(world: World, *, hours: int, attended: list[int]) -> Meeting:
    starts = timezone.make_aware(datetime(timezone.localdate().year, 1, 1, 9)) + timedelta(hours=1)
    meeting = meeting_create(
        acting_user=None, unit=world.unit, kind=Meeting.Kind.LECTURE, topic="党课：党章",
        starts_at=starts, ends_at=starts + timedelta(hours=hours),
    )  # fmt: skip
    Attendee.objects.filter(meeting=meeting, member_id__in=attended).update(checked_in_at=starts)
    return meeting


def _train(world: World, member_index: int, hours: int, status: str = Training.Status.APPROVED) -> None:
    Training.objects.create(
        member=world.members[member_index], title="培训", organizer="党校", finished_on=timezone.localdate(),
        class_hours=hours, certificate_key="x", certificate_name="x.pdf", certificate_type="application/pdf",
        certificate_size=1, status=status,
    )  # fmt: skip


def test_hours_add_online_study_lectures_attended_and_approved_training(world: World) -> None:
    year = timezone.localdate().year
    member = world.members[1]
    Progress.objects.create(
        user=world.member, material=world.other, year=year, credited_seconds=90 * 60, cap_seconds=1800 * 60
    )
    _lecture(world, hours=3, attended=[member.pk])  # 180 minutes = 4 class hours of 45
    _train(world, 1, 10)
    _train(world, 1, 50, status=Training.Status.PENDING)  # not approved: not counted
    hours = hours_of(members=[(member.pk, world.member.pk)], year=year)[member.pk]
    assert (hours.online, hours.lectures, hours.training_hours) == (Decimal(2), Decimal(4), 10)
    assert hours.total == Decimal(16)
    assert hours.required.key == "study.member_hours" and hours.required.number == 32
    assert not hours.met


def test_a_secretary_owes_the_cadre_hours(world: World) -> None:
    secretary = world.members[0]
    hours = hours_of(members=[(secretary.pk, world.secretary.pk)], year=timezone.localdate().year)[secretary.pk]
    assert hours.required.key == "study.cadre_hours" and hours.required.number == 56


def test_the_member_sees_the_lecture_they_attended_in_their_study(world: World) -> None:
    meeting = _lecture(world, hours=2, attended=[world.members[1].pk])
    study = my_study(user=world.member, year=timezone.localdate().year)
    assert [row.meeting_id for row in study.lectures] == [meeting.pk]
    assert study.hours is not None and study.hours.lecture_minutes == 120
    assert [row.material for row in study.materials] == [world.material]


def test_unit_figures_count_members_meeting_the_hours_per_branch(world: World) -> None:
    _train(world, 1, 40)
    figures = {f.unit_id: f for f in unit_figures(year=timezone.localdate().year)}
    mine = figures[world.unit.pk]
    assert (mine.numerator, mine.denominator) == (1, 4)


def test_rankings_are_off_unless_the_institution_turns_them_on(world: World) -> None:
    _train(world, 2, 5)
    year = timezone.localdate().year
    assert all(row.rank is None for row in branch_members(branch=world.unit, year=year))
    RuleOverride.objects.create(key="study.rankings", value="on", effective_from=date(2020, 1, 1), reason="试点")
    ranked = branch_members(branch=world.unit, year=year)
    assert ranked[0].member == world.members[2] and ranked[0].rank == 1


def test_a_member_behind_the_plan_is_told_once_a_quarter_and_only_them(world: World) -> None:
    year = timezone.localdate().year
    items = list(behind(date(year, 7, 1)))
    mine = [item for item in items if item.member_id == world.members[1].pk]
    assert len(mine) == 1 and mine[0].recipient_ids == (world.member.pk,)
    assert mine[0].key.endswith(f"{year}-Q3") and mine[0].rule_key == "study.member_hours"
    _train(world, 1, 20)  # 20 ≥ 32 × 2/4: on schedule
    assert not [item for item in behind(date(year, 7, 1)) if item.member_id == world.members[1].pk]
    assert list(behind(date(year, 2, 1))) == []  # nothing is due in the first quarter
