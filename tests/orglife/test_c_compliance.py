"""Meetings held vs required (services/orglife/compliance.py): periods of every length, the rule
and its citation, the institution's overrides, the period boundaries, cancelled and future
meetings."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from services.orglife.compliance import (
    DUE,
    HELD,
    OVERDUE,
    UPCOMING,
    KindCompliance,
    compliance,
    held_q,
)
from services.orglife.models import Meeting
from services.rule_overrides.models import RuleOverride
from tests.orglife.conftest import Branch


def at(day: date, hour: int = 14) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def meet(branch: Branch, kind: str, day: date, *, unit=None, status: str = Meeting.Status.PLANNED) -> Meeting:  # type: ignore[no-untyped-def]
    """A meeting row written directly (the selector reads rows; past dates are allowed here)."""
    starts = at(day)
    return Meeting.objects.create(
        unit=unit or branch.unit,
        kind=kind,
        topic="t",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        status=status,
    )


def row(rows: list[KindCompliance], kind: str, unit_id: int | None = None) -> KindCompliance:
    return next(r for r in rows if r.kind == kind and (unit_id is None or r.unit_id == unit_id))


def statuses(found: KindCompliance) -> list[tuple[str, str]]:
    return [(p.label, p.status) for p in found.periods]


def test_held_means_started_and_not_cancelled(branch: Branch) -> None:
    now = at(date(2026, 3, 10), 12)
    past = meet(branch, Meeting.Kind.LECTURE, date(2026, 3, 9))
    meet(branch, Meeting.Kind.LECTURE, date(2026, 3, 8), status=Meeting.Status.CANCELLED)
    meet(branch, Meeting.Kind.LECTURE, date(2026, 3, 11))
    assert list(Meeting.objects.filter(held_q(now))) == [past]


def test_monthly_quarterly_and_yearly_periods_with_their_statuses(branch: Branch) -> None:
    meet(branch, Meeting.Kind.THEME_DAY, date(2026, 1, 15))
    meet(branch, Meeting.Kind.MEMBER_MEETING, date(2026, 2, 3))
    now = at(date(2026, 5, 20))
    rows = compliance(branches=[branch.unit], since=date(2026, 1, 1), until=date(2026, 12, 1), now=now)
    theme = row(rows, Meeting.Kind.THEME_DAY)
    assert statuses(theme)[:6] == [
        ("2026年1月", HELD),
        ("2026年2月", OVERDUE),
        ("2026年3月", OVERDUE),
        ("2026年4月", OVERDUE),
        ("2026年5月", DUE),
        ("2026年6月", UPCOMING),
    ]
    assert len(theme.periods) == 12
    member = row(rows, Meeting.Kind.MEMBER_MEETING)
    assert statuses(member) == [
        ("2026年第1季度", HELD),
        ("2026年第2季度", DUE),
        ("2026年第3季度", UPCOMING),
        ("2026年第4季度", UPCOMING),
    ]
    assert statuses(row(rows, Meeting.Kind.LIFE_MEETING)) == [("2026年", DUE)]
    assert member.periods[0].held == 1


def test_half_year_periods_from_an_override_with_its_reason(branch: Branch) -> None:
    RuleOverride.objects.create(
        key="meetings.lecture_months", value=6, effective_from=date(2025, 1, 1), reason="本校规定每学期一次党课"
    )
    meet(branch, Meeting.Kind.LECTURE, date(2026, 8, 1))
    rows = compliance(branches=[branch.unit], since=date(2026, 1, 1), until=date(2026, 12, 1), now=at(date(2026, 9, 1)))
    lecture = row(rows, Meeting.Kind.LECTURE)
    assert statuses(lecture) == [("2026年上半年", OVERDUE), ("2026年下半年", HELD)]
    assert lecture.rule.number == 6
    assert lecture.rule.source == "institution"
    assert "本校规定每学期一次党课" in lecture.rule.explanation


def test_the_standard_rule_and_its_citation_come_with_each_period(branch: Branch) -> None:
    rows = compliance(branches=[branch.unit], since=date(2026, 4, 1), until=date(2026, 4, 1), now=at(date(2026, 4, 2)))
    member = row(rows, Meeting.Kind.MEMBER_MEETING)
    assert member.rule.key == "meetings.member_meeting_months"
    assert member.rule.number == 3
    assert member.rule.citation
    assert member.rule.citation in member.rule.explanation


def test_a_rule_changed_midyear_starts_aligned_periods_from_the_change(branch: Branch) -> None:
    RuleOverride.objects.create(key="meetings.lecture_months", value=1, effective_from=date(2026, 4, 1), reason="加密")
    rows = compliance(branches=[branch.unit], since=date(2026, 1, 1), until=date(2026, 6, 1), now=at(date(2026, 7, 1)))
    labels = [label for label, _ in statuses(row(rows, Meeting.Kind.LECTURE))]
    assert labels == ["2026年第1季度", "2026年4月", "2026年5月", "2026年6月"]


def test_a_range_starting_inside_a_quarter_covers_the_whole_quarter(branch: Branch) -> None:
    meet(branch, Meeting.Kind.MEMBER_MEETING, date(2026, 1, 5))
    rows = compliance(branches=[branch.unit], since=date(2026, 2, 1), until=date(2026, 2, 1), now=at(date(2026, 2, 10)))
    assert statuses(row(rows, Meeting.Kind.MEMBER_MEETING)) == [("2026年第1季度", HELD)]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 3, 31, 23, 59), DUE),  # the last minute of the quarter: still due
        (datetime(2026, 4, 1, 0, 0), OVERDUE),  # midnight: the quarter is over
    ],
)
def test_overdue_starts_at_local_midnight_after_the_period(branch: Branch, now: datetime, expected: str) -> None:
    rows = compliance(
        branches=[branch.unit], since=date(2026, 1, 1), until=date(2026, 3, 1), now=timezone.make_aware(now)
    )
    assert row(rows, Meeting.Kind.MEMBER_MEETING).periods[0].status == expected


def test_a_meeting_at_the_boundary_counts_in_its_own_local_month(branch: Branch) -> None:
    starts = timezone.make_aware(datetime(2026, 4, 1, 0, 30))  # 16:30 UTC on March 31st
    Meeting.objects.create(
        unit=branch.unit, kind=Meeting.Kind.THEME_DAY, topic="t", starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    rows = compliance(branches=[branch.unit], since=date(2026, 3, 1), until=date(2026, 4, 1), now=at(date(2026, 4, 2)))
    assert statuses(row(rows, Meeting.Kind.THEME_DAY)) == [("2026年3月", OVERDUE), ("2026年4月", HELD)]


def test_cancelled_meetings_are_not_counted(branch: Branch) -> None:
    meet(branch, Meeting.Kind.THEME_DAY, date(2026, 3, 5), status=Meeting.Status.CANCELLED)
    rows = compliance(branches=[branch.unit], since=date(2026, 3, 1), until=date(2026, 3, 1), now=at(date(2026, 4, 2)))
    period = row(rows, Meeting.Kind.THEME_DAY).periods[0]
    assert (period.status, period.held, period.planned) == (OVERDUE, 0, 0)


def test_a_future_meeting_is_planned_not_held(branch: Branch) -> None:
    meet(branch, Meeting.Kind.THEME_DAY, date(2026, 3, 25))
    rows = compliance(branches=[branch.unit], since=date(2026, 3, 1), until=date(2026, 3, 1), now=at(date(2026, 3, 20)))
    period = row(rows, Meeting.Kind.THEME_DAY).periods[0]
    assert (period.status, period.held, period.planned) == (DUE, 0, 1)


def test_group_meetings_are_required_of_each_party_group_not_of_the_branch(branch: Branch) -> None:
    meet(branch, Meeting.Kind.GROUP_MEETING, date(2026, 3, 3), unit=branch.group)
    rows = compliance(branches=[branch.unit], since=date(2026, 3, 1), until=date(2026, 3, 1), now=at(date(2026, 4, 2)))
    group = row(rows, Meeting.Kind.GROUP_MEETING)
    assert (group.unit_id, group.branch_id, group.periods[0].status) == (branch.group.pk, branch.unit.pk, HELD)
    assert [r.unit_id for r in rows if r.kind == Meeting.Kind.GROUP_MEETING] == [branch.group.pk]
    assert Meeting.Kind.TALK not in {r.kind for r in rows}


def test_another_branchs_meetings_do_not_count(branch: Branch) -> None:
    from tests.factories import OrgUnitFactory

    other = OrgUnitFactory(name="第二党支部")
    Meeting.objects.create(
        unit=other,
        kind=Meeting.Kind.THEME_DAY,
        topic="t",
        starts_at=at(date(2026, 3, 3)),
        ends_at=at(date(2026, 3, 3), 16),
    )
    rows = compliance(
        branches=[branch.unit, other], since=date(2026, 3, 1), until=date(2026, 3, 1), now=at(date(2026, 4, 2))
    )
    assert row(rows, Meeting.Kind.THEME_DAY, branch.unit.pk).periods[0].status == OVERDUE
    assert row(rows, Meeting.Kind.THEME_DAY, other.pk).periods[0].status == HELD


def test_the_whole_institution_is_a_fixed_number_of_queries(branch: Branch, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import OrgUnitFactory

    branches = [branch.unit] + [OrgUnitFactory(name=f"支部{i}") for i in range(5)]
    with django_assert_max_num_queries(2 + 2 * 12):  # groups, meetings, two per month's rules
        compliance(branches=branches, since=date(2026, 1, 1), until=date(2026, 12, 1), now=at(date(2026, 6, 1)))


def test_no_branches_is_an_empty_answer_not_an_error(branch: Branch) -> None:
    assert compliance(branches=[], since=date(2026, 1, 1), until=date(2026, 3, 1)) == []
