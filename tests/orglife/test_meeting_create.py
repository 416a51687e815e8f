"""Planning a meeting: the should-attend list is frozen at creation, by kind and unit; bad input is
refused with a Chinese message and nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from services.audit.models import AuditEvent
from services.members.models import Member
from services.organization.models import OrgUnit
from services.orglife.models import Attendee, Meeting
from tests.conftest import make_user
from tests.factories import MemberFactory, OrgUnitFactory
from tests.votes.conftest import make_dossier

from .conftest import Branch, plan, soon

pytestmark = pytest.mark.django_db


def expected_names(meeting: Meeting) -> set[str]:
    return set(meeting.attendees.filter(expected=True, role=Attendee.Role.MEMBER).values_list("name", flat=True))


def test_a_member_meeting_expects_every_member_on_the_roll(branch: Branch) -> None:
    MemberFactory(branch=branch.unit, status=Member.Status.TRANSFERRED_OUT, name="已转出者")
    meeting = plan(branch)
    on_roll = {m.name for m in branch.members + branch.probationary}
    assert expected_names(meeting) == on_roll
    event = AuditEvent.objects.get(event="meeting.created", object_id=str(meeting.pk))
    assert event.after["should_attend"] == len(on_roll)


def test_the_list_is_frozen_when_the_meeting_is_planned(branch: Branch) -> None:
    meeting = plan(branch)
    MemberFactory(branch=branch.unit, name="后来者")
    branch.members[5].status = Member.Status.TRANSFERRED_OUT
    branch.members[5].save(update_fields=["status"])
    assert "后来者" not in expected_names(meeting)
    assert branch.members[5].name in expected_names(meeting)


def test_a_committee_meeting_expects_the_committee(branch: Branch) -> None:
    meeting = plan(branch, kind=Meeting.Kind.COMMITTEE_MEETING)
    assert expected_names(meeting) == {m.name for m in branch.members[:3]}


def test_a_group_meeting_is_held_by_a_group_and_expects_its_members(branch: Branch) -> None:
    meeting = plan(branch, kind=Meeting.Kind.GROUP_MEETING, unit=branch.group)
    assert expected_names(meeting) == {m.name for m in branch.members[:4]}
    with pytest.raises(ValidationError) as refused:
        plan(branch, kind=Meeting.Kind.GROUP_MEETING)
    assert "党小组会由党小组召开" in str(refused.value)


def test_a_talk_expects_the_people_named(branch: Branch) -> None:
    meeting = plan(branch, kind=Meeting.Kind.TALK, participants=[branch.members[0], branch.members[6]])
    assert expected_names(meeting) == {branch.members[0].name, branch.members[6].name}


def test_invitees_are_listed_beside_the_members(branch: Branch) -> None:
    dossier = make_dossier(branch.unit, name="积极分子甲", stage="activist")
    meeting = plan(branch, kind=Meeting.Kind.LECTURE, invitees=[dossier, dossier])
    invitee = meeting.attendees.get(role=Attendee.Role.INVITEE)
    assert (invitee.dossier_id, invitee.name, invitee.member_id) == (dossier.pk, "积极分子甲", None)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"topic": "  "}, "topic", "请填写会议主题"),
        ({"ends_at": soon(hour=13)}, "ends_at", "结束时间应晚于开始时间"),
        ({"kind": "banquet"}, "kind", "请选择会议类型"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(branch: Branch, change: dict, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        plan(branch, **change)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Meeting.objects.exists() and not Attendee.objects.exists()


def test_a_closed_unit_takes_no_meetings(branch: Branch) -> None:
    OrgUnit.objects.filter(pk=branch.unit.pk).update(closed_on=timezone.localdate() - timedelta(days=1))
    branch.unit.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        plan(branch)
    assert "已撤销" in " ".join(refused.value.message_dict["unit"])


def test_the_host_must_belong_to_the_branch(branch: Branch) -> None:
    stranger = MemberFactory(branch=OrgUnitFactory(name="第二党支部"), name="外支部党员")
    with pytest.raises(ValidationError):
        plan(branch, host=stranger)


def test_only_a_manager_of_the_unit_plans_its_meetings(branch: Branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    member_user = make_user(inst_a, username="ol_plain")
    branch.members[7].user = member_user
    branch.members[7].save(update_fields=["user"])
    with pytest.raises(PermissionDenied) as refused:
        plan(branch, acting_user=member_user)
    assert "无权管理" in str(refused.value)
    assert not Meeting.objects.exists()
