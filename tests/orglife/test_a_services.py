"""Changing and cancelling a planned meeting, leave, party groups and the committee quorum: what
the services allow, what they refuse (with a Chinese message, nothing written), and the audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from services.audit.models import AuditEvent
from services.members.models import Member
from services.organization.models import OrgUnit
from services.orglife.groups import group_overview, party_group_assign
from services.orglife.leave import leave_decide, leave_request
from services.orglife.models import Attendee, Meeting
from services.orglife.quorum import committee_quorum, quorum_of
from services.orglife.services import meeting_cancel, meeting_update
from tests.conftest import make_user
from tests.factories import MemberFactory, OrgUnitFactory

from .conftest import Branch, plan, soon

pytestmark = pytest.mark.django_db


def started(meeting: Meeting) -> Meeting:
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=1)
    )
    meeting.refresh_from_db()
    return meeting


def member_user(branch: Branch, index: int, inst_a, username: str = "ol_member"):  # type: ignore[no-untyped-def]
    user = make_user(inst_a, username=username)
    branch.members[index].user = user
    branch.members[index].save(update_fields=["user"])
    return user


# --- meeting_update -----------------------------------------------------------------------------


def test_a_planned_meeting_is_changed_and_the_list_is_not_recomputed(branch: Branch) -> None:
    meeting = plan(branch)
    expected = set(meeting.attendees.values_list("member_id", flat=True))
    MemberFactory(branch=branch.unit, name="后来者")
    changed = meeting_update(
        acting_user=branch.secretary,
        meeting=meeting,
        topic=" 学习新党章 ",
        place="党员活动室",
        starts_at=soon(days=3),
        ends_at=soon(days=3, hour=16),
        recorder=branch.members[2],
    )
    assert (changed.topic, changed.place, changed.recorder_id) == ("学习新党章", "党员活动室", branch.members[2].pk)
    assert set(meeting.attendees.values_list("member_id", flat=True)) == expected
    event = AuditEvent.objects.get(event="meeting.updated", object_id=str(meeting.pk))
    assert event.before["topic"] == "学习党章" and event.after["topic"] == "学习新党章"
    assert "agenda" not in event.after


def test_an_update_that_changes_nothing_writes_nothing(branch: Branch) -> None:
    meeting = plan(branch)
    meeting_update(acting_user=branch.secretary, meeting=meeting, topic="学习党章")
    assert not AuditEvent.objects.filter(event="meeting.updated").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"topic": " "}, "请填写会议主题"),
        ({"ends_at": soon(hour=9)}, "结束时间应晚于开始时间"),
        ({"starts_at": timezone.now() - timedelta(days=1)}, "新的开始时间已经过去"),
    ],
)
def test_a_bad_change_is_refused(branch: Branch, change: dict, message: str) -> None:
    meeting = plan(branch)
    with pytest.raises(ValidationError) as refused:
        meeting_update(acting_user=branch.secretary, meeting=meeting, **change)
    assert message in " ".join(refused.value.messages)
    meeting.refresh_from_db()
    assert meeting.topic == "学习党章" and not AuditEvent.objects.filter(event="meeting.updated").exists()


def test_a_started_or_cancelled_meeting_is_not_changed(branch: Branch) -> None:
    meeting = started(plan(branch))
    with pytest.raises(ValidationError) as refused:
        meeting_update(acting_user=branch.secretary, meeting=meeting, topic="改")
    assert "会议已经开始" in str(refused.value)
    other = plan(branch, topic="另一次")
    meeting_cancel(acting_user=branch.secretary, meeting=other, reason="与考试冲突")
    with pytest.raises(ValidationError) as refused:
        meeting_update(acting_user=branch.secretary, meeting=other, topic="改")
    assert "已取消" in str(refused.value)


def test_only_a_manager_changes_a_meeting(branch: Branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    meeting = plan(branch)
    user = member_user(branch, 7, inst_a)
    with pytest.raises(PermissionDenied):
        meeting_update(acting_user=user, meeting=meeting, topic="改")
    with pytest.raises(PermissionDenied):
        meeting_cancel(acting_user=user, meeting=meeting, reason="不想开")


def test_the_host_stays_in_the_branch(branch: Branch) -> None:
    meeting = plan(branch)
    stranger = MemberFactory(branch=OrgUnitFactory(name="第二党支部"), name="外支部党员")
    with pytest.raises(ValidationError):
        meeting_update(acting_user=branch.secretary, meeting=meeting, host=stranger)


# --- meeting_cancel -----------------------------------------------------------------------------


def test_a_cancelled_meeting_stays_on_record_with_its_reason(branch: Branch) -> None:
    meeting = plan(branch)
    cancelled = meeting_cancel(acting_user=branch.secretary, meeting=meeting, reason=" 与考试冲突 ")
    assert (cancelled.status, cancelled.cancel_reason) == (Meeting.Status.CANCELLED, "与考试冲突")
    assert Meeting.objects.filter(pk=meeting.pk).exists() and meeting.attendees.exists()
    event = AuditEvent.objects.get(event="meeting.cancelled", object_id=str(meeting.pk))
    assert event.after == {"status": "cancelled", "reason": "与考试冲突"}


def test_cancelling_needs_a_reason_and_a_meeting_not_started(branch: Branch) -> None:
    meeting = plan(branch)
    with pytest.raises(ValidationError) as refused:
        meeting_cancel(acting_user=branch.secretary, meeting=meeting, reason="  ")
    assert "请填写取消原因" in str(refused.value)
    with pytest.raises(ValidationError):
        meeting_cancel(acting_user=branch.secretary, meeting=started(meeting), reason="晚了")
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PLANNED


# --- leave --------------------------------------------------------------------------------------


def test_a_member_asks_for_leave_and_asking_again_updates_the_reason(branch: Branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    meeting = plan(branch)
    user = member_user(branch, 5, inst_a)
    row = meeting.attendees.get(member=branch.members[5])
    leave_request(acting_user=user, attendee=row, reason="出差")
    leave_decide(acting_user=branch.secretary, attendee=row, decision="refused")
    again = leave_request(acting_user=user, attendee=row, reason="出差，已买票")
    assert (again.leave, again.leave_reason, again.leave_decided_by) == ("requested", "出差，已买票", None)
    assert meeting.attendees.filter(leave="requested").count() == 1
    events = AuditEvent.objects.filter(event="meeting.leave_requested").order_by("pk")
    assert [e.after["reason"] for e in events] == ["出差", "出差，已买票"]
    assert events.last().before == {"leave": "refused", "reason": "出差"}  # type: ignore[union-attr]


def test_approved_leave_is_not_an_absence(branch: Branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    meeting = plan(branch)
    user = member_user(branch, 5, inst_a)
    row = leave_request(acting_user=user, attendee=meeting.attendees.get(member=branch.members[5]), reason="生病")
    decided = leave_decide(acting_user=branch.secretary, attendee=row, decision="approved")
    assert decided.excused and decided.leave_decided_by == branch.secretary
    from services.orglife.selectors import attendee_counts, meeting_attendees

    counts = attendee_counts(meeting_attendees(meeting))
    assert (counts.expected, counts.excused, counts.absent) == (10, 1, 9)


def test_only_the_person_asks_for_their_own_leave(branch: Branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    meeting = plan(branch)
    user = member_user(branch, 5, inst_a)
    someone_else = meeting.attendees.get(member=branch.members[6])
    with pytest.raises(PermissionDenied) as refused:
        leave_request(acting_user=user, attendee=someone_else, reason="替人请假")
    assert "只能为自己请假" in str(refused.value)
    assert not Attendee.objects.exclude(leave="").exists()


def test_an_invitee_asks_through_their_dossier(branch: Branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    from tests.votes.conftest import make_dossier

    dossier = make_dossier(branch.unit, name="积极分子甲", stage="activist")
    user = make_user(inst_a, username="ol_activist")
    type(dossier).objects.filter(pk=dossier.pk).update(user=user)
    meeting = plan(branch, kind=Meeting.Kind.LECTURE, invitees=[dossier])
    row = leave_request(acting_user=user, attendee=meeting.attendees.get(dossier=dossier), reason="上课")
    assert row.leave == "requested"


@pytest.mark.parametrize("state", ["started", "cancelled", "checked_in", "blank"])
def test_leave_is_refused_when_it_no_longer_makes_sense(branch: Branch, inst_a, state: str) -> None:  # type: ignore[no-untyped-def]
    meeting = plan(branch)
    user = member_user(branch, 5, inst_a)
    row = meeting.attendees.get(member=branch.members[5])
    reason = "出差"
    if state == "started":
        started(meeting)
    elif state == "cancelled":
        meeting_cancel(acting_user=branch.secretary, meeting=meeting, reason="改期")
    elif state == "checked_in":
        Attendee.objects.filter(pk=row.pk).update(checked_in_at=timezone.now())
    else:
        reason = " "
    with pytest.raises(ValidationError):
        leave_request(acting_user=user, attendee=row, reason=reason)
    assert Attendee.objects.get(pk=row.pk).leave == ""


def test_deciding_needs_a_request_a_decision_and_a_manager(branch: Branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    meeting = plan(branch)
    user = member_user(branch, 5, inst_a)
    row = meeting.attendees.get(member=branch.members[5])
    with pytest.raises(ValidationError) as refused:
        leave_decide(acting_user=branch.secretary, attendee=row, decision="approved")
    assert "没有请假" in str(refused.value)
    leave_request(acting_user=user, attendee=row, reason="出差")
    with pytest.raises(ValidationError):
        leave_decide(acting_user=branch.secretary, attendee=row, decision="maybe")
    with pytest.raises(PermissionDenied):
        leave_decide(acting_user=user, attendee=row, decision="approved")
    assert Attendee.objects.get(pk=row.pk).leave == "requested"
    assert not AuditEvent.objects.filter(event="meeting.leave_decided").exists()


# --- party groups -------------------------------------------------------------------------------


def test_members_are_put_into_a_group_and_out_of_it(branch: Branch) -> None:
    second = OrgUnitFactory(name="第二党小组", kind=OrgUnit.Kind.PARTY_GROUP, parent=branch.unit)
    moved = party_group_assign(
        acting_user=branch.secretary, branch=branch.unit, group=second, members=branch.members[3:6]
    )
    assert moved == 3
    assert set(Member.objects.filter(party_group=second).values_list("pk", flat=True)) == {
        m.pk for m in branch.members[3:6]
    }
    event = AuditEvent.objects.get(event="party_group.assigned")
    assert event.before["groups"][str(branch.members[3].pk)] == branch.group.pk
    assert party_group_assign(acting_user=branch.secretary, branch=branch.unit, group=None, members=[branch.members[3]])
    assert Member.objects.get(pk=branch.members[3].pk).party_group_id is None


def test_a_group_of_another_branch_or_a_stranger_is_refused(branch: Branch) -> None:
    other = OrgUnitFactory(name="第二党支部")
    foreign_group = OrgUnitFactory(name="外小组", kind=OrgUnit.Kind.PARTY_GROUP, parent=other)
    stranger = MemberFactory(branch=other, name="外支部党员")
    with pytest.raises(ValidationError):
        party_group_assign(
            acting_user=branch.secretary, branch=branch.unit, group=foreign_group, members=branch.members[5:6]
        )
    with pytest.raises(ValidationError) as refused:
        party_group_assign(acting_user=branch.secretary, branch=branch.unit, group=branch.group, members=[stranger])
    assert "外支部党员 不是" in str(refused.value)
    assert not AuditEvent.objects.filter(event="party_group.assigned").exists()


def test_a_small_group_is_a_warning_with_its_rule(branch: Branch) -> None:
    OrgUnitFactory(name="第二党小组", kind=OrgUnit.Kind.PARTY_GROUP, parent=branch.unit)
    party_group_assign(acting_user=branch.secretary, branch=branch.unit, group=branch.group, members=branch.members[:4])
    overview = group_overview(branch=branch.unit)
    assert [row.size for row in overview.rows] == [4, 0, 6]  # 第一, 第二, none (members 4–7, 2 probationary)
    assert overview.warnings == ["“第二党小组”只有 0 名党员，少于 3 名。"]
    assert overview.minimum == 3 and overview.citation


# --- committee quorum ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("committee", "present", "met", "needed"), [(3, 2, True, 2), (4, 2, False, 3), (5, 3, True, 3), (0, 0, False, 1)]
)
def test_the_committee_quorum_is_more_than_half(committee: int, present: int, met: bool, needed: int) -> None:
    quorum = quorum_of(committee=committee, present=present)
    assert (quorum.met, quorum.needed) == (met, needed)
    assert "第十二条" in quorum.citation


def test_a_committee_meeting_counts_its_checked_in_committee(branch: Branch) -> None:
    meeting = plan(branch, kind=Meeting.Kind.COMMITTEE_MEETING)
    assert committee_quorum(meeting).met is False  # type: ignore[union-attr]
    meeting.attendees.filter(member__in=branch.members[:2]).update(checked_in_at=timezone.now())
    quorum = committee_quorum(meeting)
    assert quorum is not None and (quorum.committee, quorum.present, quorum.met) == (3, 2, True)
    assert committee_quorum(plan(branch)) is None


def test_a_leave_decision_after_the_minutes_are_finalized_is_refused_with_a_message(branch: Branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    from services.orglife import minutes as minutes_service
    from tests.orglife.test_d_minutes import filled

    recorder = make_user(inst_a, username="lv_fin_recorder")
    branch.members[1].user = recorder
    branch.members[1].save(update_fields=["user"])
    minutes = filled(branch, recorder)
    row = minutes.meeting.attendees.get(member=branch.members[5])
    Attendee.objects.filter(pk=row.pk).update(leave=Attendee.Leave.REQUESTED)  # asked, never decided
    minutes_service.minutes_finalize(acting_user=recorder, minutes=minutes)
    minutes_service.minutes_finalize(acting_user=branch.secretary, minutes=minutes)
    row.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        leave_decide(acting_user=branch.secretary, attendee=row, decision=Attendee.Leave.APPROVED)
    assert "定稿" in str(refused.value)
    assert Attendee.objects.get(pk=row.pk).leave == Attendee.Leave.REQUESTED
