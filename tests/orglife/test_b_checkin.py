"""Self check-in with the rotating code, check-out, and the host's hand marks: the window, the list,
guests, idempotence, late arrivals, and every refusal in Chinese with nothing changed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.audit.models import AuditEvent
from services.members.models import Member
from services.orglife.checkin import (
    attendance_mark,
    attendance_unmark,
    checkin_record,
    checkout_record,
)
from services.orglife.checkin_codes import current_code
from services.orglife.models import Attendee, Meeting
from tests.conftest import make_user
from tests.factories import MemberFactory
from tests.votes.conftest import make_dossier

from .conftest import Branch, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_user(branch: Branch, inst_a) -> Any:  # type: ignore[no-untyped-def]
    user = make_user(inst_a, username="ol_member5")
    branch.members[5].user = user
    branch.members[5].save(update_fields=["user"])
    return user


def at_start(meeting: Meeting, minutes: int = 0) -> datetime:
    return meeting.starts_at + timedelta(minutes=minutes)


def token(meeting: Meeting, at: datetime) -> str:
    return current_code(meeting.checkin_secret, meeting.pk, at).token


def digits(meeting: Meeting, at: datetime) -> str:
    return current_code(meeting.checkin_secret, meeting.pk, at).digits


def row(meeting: Meeting, member: Member) -> Attendee:
    return meeting.attendees.get(member=member)


def refused(call: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return " ".join(caught.value.messages)


def test_a_member_on_the_list_checks_in_with_the_qr_token(branch: Branch, member_user: Any) -> None:
    meeting = plan(branch)
    now = at_start(meeting, -10)
    done = checkin_record(acting_user=member_user, meeting=meeting, token=token(meeting, now), now=now)
    assert not done.already and "签到成功" in done.message
    attendee = row(meeting, branch.members[5])
    assert (attendee.checked_in_at, attendee.checkin_method, attendee.late) == (now, Attendee.Method.QR, False)
    assert not AuditEvent.objects.filter(event__startswith="meeting.attendance").exists()


def test_the_six_digit_code_works_the_same_way(branch: Branch, member_user: Any) -> None:
    meeting = plan(branch)
    now = at_start(meeting)
    checkin_record(acting_user=member_user, meeting=meeting, code=digits(meeting, now), now=now)
    assert row(meeting, branch.members[5]).checkin_method == Attendee.Method.CODE


def test_a_second_check_in_changes_nothing_and_says_when_the_first_was(branch: Branch, member_user: Any) -> None:
    meeting = plan(branch)
    first = at_start(meeting, -5)
    checkin_record(acting_user=member_user, meeting=meeting, token=token(meeting, first), now=first)
    again = at_start(meeting, 20)
    done = checkin_record(acting_user=member_user, meeting=meeting, code=digits(meeting, again), now=again)
    assert done.already and "已签到" in done.message
    attendee = row(meeting, branch.members[5])
    assert (attendee.checked_in_at, attendee.checkin_method, attendee.late) == (first, Attendee.Method.QR, False)


def test_a_check_in_is_one_update(branch: Branch, member_user: Any) -> None:
    meeting = plan(branch)
    now = at_start(meeting)
    with CaptureQueriesContext(connection) as queries:
        checkin_record(acting_user=member_user, meeting=meeting, token=token(meeting, now), now=now)
    writes = [q["sql"] for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith("UPDATE") and "IS NULL" in writes[0]


def test_arriving_after_the_grace_is_late(branch: Branch, member_user: Any, settings: Any, inst_a: Any) -> None:
    settings.ORGLIFE_CHECKIN_LATE_GRACE_MINUTES = 5
    meeting = plan(branch)
    on_time, late = at_start(meeting, 5), at_start(meeting, 6)
    checkin_record(acting_user=member_user, meeting=meeting, token=token(meeting, on_time), now=on_time)
    assert not row(meeting, branch.members[5]).late
    other = make_user(inst_a, username="ol_member6")
    Member.objects.filter(pk=branch.members[6].pk).update(user=other)
    done = checkin_record(acting_user=other, meeting=meeting, token=token(meeting, late), now=late)
    assert row(meeting, branch.members[6]).late and "迟到" in done.message


def test_an_expired_code_is_refused_with_the_screen_message(branch: Branch, member_user: Any) -> None:
    meeting = plan(branch)
    shown = at_start(meeting)
    for value in ({"token": token(meeting, shown)}, {"code": digits(meeting, shown)}):
        message = refused(
            lambda value=value: checkin_record(
                acting_user=member_user, meeting=meeting, now=shown + timedelta(seconds=30), **value
            )
        )
        assert "签到码已过期，请扫描屏幕上的最新二维码" in message
    assert row(meeting, branch.members[5]).checked_in_at is None


def test_another_meetings_code_is_refused(branch: Branch, member_user: Any) -> None:
    meeting, other = plan(branch), plan(branch, topic="另一场")
    now = at_start(meeting)
    message = refused(
        lambda: checkin_record(acting_user=member_user, meeting=meeting, token=token(other, now), now=now)
    )
    assert "不是本场会议的" in message
    assert row(meeting, branch.members[5]).checked_in_at is None


def test_a_token_scanned_in_time_survives_signing_in(branch: Branch, member_user: Any, settings: Any) -> None:
    settings.ORGLIFE_CHECKIN_SIGNIN_SECONDS = 300
    meeting = plan(branch)
    scanned, back = at_start(meeting), at_start(meeting, 2)
    value = token(meeting, scanned)
    checkin_record(acting_user=member_user, meeting=meeting, token=value, now=back, scanned_at=scanned)
    assert row(meeting, branch.members[5]).checked_in_at == back
    too_late = refused(
        lambda: checkin_record(
            acting_user=member_user, meeting=meeting, token=value, now=at_start(meeting, 6), scanned_at=scanned
        )
    )
    assert "已过期" in too_late


@pytest.mark.parametrize(
    ("minutes", "message"), [(-31, "签到尚未开始"), (2 * 60 + 31, "签到已结束")], ids=["not_open", "closed"]
)
def test_outside_the_window_is_refused(branch: Branch, member_user: Any, minutes: int, message: str) -> None:
    meeting = plan(branch)  # opens 30 min before the start, closes 30 min after the end (2 h)
    now = at_start(meeting, minutes)
    assert message in refused(
        lambda: checkin_record(acting_user=member_user, meeting=meeting, token=token(meeting, now), now=now)
    )
    assert row(meeting, branch.members[5]).checked_in_at is None


def test_a_cancelled_meeting_takes_no_check_in(branch: Branch, member_user: Any) -> None:
    meeting = plan(branch)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    meeting.refresh_from_db()
    now = at_start(meeting)
    assert "已取消" in refused(
        lambda: checkin_record(acting_user=member_user, meeting=meeting, token=token(meeting, now), now=now)
    )


def test_someone_not_on_the_list_is_refused_unless_guests_are_allowed(branch: Branch, inst_a: Any) -> None:
    meeting = plan(branch)
    stranger = make_user(inst_a, username="ol_latecomer")
    MemberFactory(branch=branch.unit, name="后来者", user=stranger)  # joined after the list was frozen
    now = at_start(meeting)
    assert "不在本次会议的应到名单上" in refused(
        lambda: checkin_record(acting_user=stranger, meeting=meeting, token=token(meeting, now), now=now)
    )
    assert not meeting.attendees.filter(name="后来者").exists()
    open_meeting = plan(branch, allow_guests=True, topic="公开党课", participants=[])
    open_meeting.attendees.filter(name="后来者").delete()
    done = checkin_record(acting_user=stranger, meeting=open_meeting, token=token(open_meeting, now), now=now)
    guest = open_meeting.attendees.get(name="后来者")
    assert (guest.role, guest.expected, guest.checked_in_at) == (Attendee.Role.GUEST, False, now)
    assert "名单外到会" in done.message
    again = checkin_record(acting_user=stranger, meeting=open_meeting, code=digits(open_meeting, now), now=now)
    assert again.already and open_meeting.attendees.filter(name="后来者").count() == 1


def test_an_account_without_a_record_is_not_a_guest(branch: Branch, inst_a: Any) -> None:
    nobody = make_user(inst_a, username="ol_nobody")
    meeting = plan(branch, allow_guests=True)
    now = at_start(meeting)
    assert "没有关联" in refused(
        lambda: checkin_record(acting_user=nobody, meeting=meeting, token=token(meeting, now), now=now)
    )


def test_an_invitee_checks_in_through_their_dossier(branch: Branch, inst_a: Any) -> None:
    applicant = make_user(inst_a, username="ol_activist")
    dossier = make_dossier(branch.unit, name="积极分子乙", stage="activist")
    dossier.user = applicant
    dossier.save(update_fields=["user"])
    meeting = plan(branch, kind=Meeting.Kind.LECTURE, invitees=[dossier])
    now = at_start(meeting)
    checkin_record(acting_user=applicant, meeting=meeting, token=token(meeting, now), now=now)
    assert meeting.attendees.get(dossier=dossier).checked_in_at == now


def test_check_out_once_after_checking_in(branch: Branch, member_user: Any) -> None:
    meeting = plan(branch)
    now = at_start(meeting)
    assert "尚未签到" in refused(lambda: checkout_record(acting_user=member_user, meeting=meeting, now=now))
    checkin_record(acting_user=member_user, meeting=meeting, token=token(meeting, now), now=now)
    out = at_start(meeting, 120)
    assert checkout_record(acting_user=member_user, meeting=meeting, now=out).checked_out_at == out
    assert "已于" in refused(lambda: checkout_record(acting_user=member_user, meeting=meeting, now=out))


def test_the_host_marks_someone_present_with_a_reason_audited(branch: Branch) -> None:
    meeting = plan(branch)
    attendee = row(meeting, branch.members[7])
    now = at_start(meeting, 10)
    assert "请填写补记原因" in refused(
        lambda: attendance_mark(acting_user=branch.secretary, attendee=attendee, reason=" ", now=now)
    )
    marked = attendance_mark(acting_user=branch.secretary, attendee=attendee, reason="手机没电", now=now)
    assert (marked.checkin_method, marked.marked_by, marked.mark_reason) == ("manual", branch.secretary, "手机没电")
    event = AuditEvent.objects.get(event="meeting.attendance_marked")
    assert event.after == {"attendee": attendee.pk, "name": attendee.name, "reason": "手机没电"}
    assert "已签到" in refused(
        lambda: attendance_mark(acting_user=branch.secretary, attendee=attendee, reason="again", now=now)
    )
    undone = attendance_unmark(acting_user=branch.secretary, attendee=marked)
    assert (undone.checked_in_at, undone.checkin_method, undone.marked_by) == (None, "", None)
    assert AuditEvent.objects.filter(event="meeting.attendance_unmarked").count() == 1


def test_a_self_check_in_cannot_be_undone_by_hand(branch: Branch, member_user: Any) -> None:
    meeting = plan(branch)
    now = at_start(meeting)
    checkin_record(acting_user=member_user, meeting=meeting, token=token(meeting, now), now=now)
    attendee = row(meeting, branch.members[5])
    assert "只能撤销主持人补记" in refused(lambda: attendance_unmark(acting_user=branch.secretary, attendee=attendee))
    assert row(meeting, branch.members[5]).checked_in_at == now


def test_only_the_host_or_a_manager_marks(branch: Branch, member_user: Any, inst_a: Any) -> None:
    meeting = plan(branch, host=branch.members[5])
    attendee = row(meeting, branch.members[7])
    now = at_start(meeting)
    attendance_mark(acting_user=member_user, attendee=attendee, reason="主持人补记", now=now)  # the host
    plain = make_user(inst_a, username="ol_plain_b")
    Member.objects.filter(pk=branch.members[6].pk).update(user=plain)
    with pytest.raises(PermissionDenied) as denied:
        attendance_mark(acting_user=plain, attendee=row(meeting, branch.probationary[0]), reason="x", now=now)
    assert "只有会议主持人" in str(denied.value)
    assert row(meeting, branch.probationary[0]).checked_in_at is None


def test_no_hand_mark_before_check_in_opens_or_on_a_cancelled_meeting(branch: Branch) -> None:
    meeting = plan(branch)
    attendee = row(meeting, branch.members[7])
    early = at_start(meeting, -60)
    assert "尚未开始" in refused(
        lambda: attendance_mark(acting_user=branch.secretary, attendee=attendee, reason="x", now=early)
    )
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    meeting.refresh_from_db()
    attendee = row(meeting, branch.members[7])
    assert "已取消" in refused(
        lambda: attendance_mark(acting_user=branch.secretary, attendee=attendee, reason="x", now=at_start(meeting))
    )


def test_finalized_minutes_close_check_in_and_hand_marks_with_a_message(branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    """Finalizing during the check-in window: a late check-in and a hand mark are refused with the
    minutes' message (not the database trigger's error), and nothing changes."""
    from services.orglife import minutes as minutes_service
    from services.orglife.checkin import attendance_mark, checkin_record
    from services.orglife.models import Attendee
    from tests.conftest import make_user
    from tests.orglife.test_d_minutes import filled

    recorder = make_user(inst_a, username="ck_fin_recorder")
    branch.members[1].user = recorder
    branch.members[1].save(update_fields=["user"])
    minutes = filled(branch, recorder)
    meeting = minutes.meeting
    now = meeting.ends_at + timedelta(minutes=5)  # the check-in window is still open
    minutes_service.minutes_finalize(acting_user=recorder, minutes=minutes)
    minutes_service.minutes_finalize(acting_user=branch.secretary, minutes=minutes)
    late = make_user(inst_a, username="ck_fin_late")
    branch.members[6].user = late
    branch.members[6].save(update_fields=["user"])
    with pytest.raises(ValidationError) as refused:
        checkin_record(acting_user=late, meeting=meeting, token=token(meeting, now), now=now)
    assert "定稿" in str(refused.value)
    row = meeting.attendees.get(member=branch.members[6])
    with pytest.raises(ValidationError):
        attendance_mark(acting_user=branch.secretary, attendee=row, reason="迟到补记", now=now)
    assert Attendee.objects.get(pk=row.pk).checked_in_at is None
