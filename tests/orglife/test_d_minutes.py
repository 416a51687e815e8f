"""Minutes: started from the meeting type's template, drafted by the recorder, finalized by the
host's and the recorder's confirmations, refused while a required record is missing or without a
recorder; once finalized the minutes and the meeting's attendance never change (the services and
the model refuse with a message, the database refuses raw SQL); corrections are addenda."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from services.audit.models import AuditEvent
from services.orglife import minutes as service
from services.orglife.minutes_checklist import local_meeting_step_save
from services.orglife.models import Attendee, Meeting, Minutes, MinutesAddendum, MinutesAttachment
from services.procedures.models import MeetingStep, MeetingTemplate
from tests.conftest import make_user

from .conftest import Branch, plan, soon

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def recorder_user(branch: Branch, inst_a):  # type: ignore[no-untyped-def]
    user = make_user(inst_a, username="ol_recorder")
    branch.members[1].user = user
    branch.members[1].save(update_fields=["user"])
    return user


def held(branch: Branch, **fields: object) -> Meeting:
    start = soon(days=-1)
    return plan(branch, starts_at=start, ends_at=start + timedelta(hours=2), **fields)


def filled(branch: Branch, recorder_user: object, kind: str = Meeting.Kind.LIFE_MEETING) -> Minutes:
    meeting = held(branch, kind=kind)
    minutes = service.minutes_start(acting_user=recorder_user, meeting=meeting)
    records = {step.pk: f"记录：{step.title}" for step in minutes.steps.all()}
    return service.minutes_update(
        acting_user=recorder_user, minutes=minutes, sections={"topics": "开展批评和自我批评"}, records=records
    )


def finalized(branch: Branch, recorder_user: object) -> Minutes:
    minutes = filled(branch, recorder_user)
    service.minutes_finalize(acting_user=recorder_user, minutes=minutes)
    return service.minutes_finalize(acting_user=branch.secretary, minutes=minutes)


def test_the_template_is_published_per_meeting_type() -> None:
    life = MeetingTemplate.objects.get(kind="life_meeting", variant="", version=1)
    assert [s.title for s in life.steps.order_by("number")] == ["学习", "对照检查", "批评与自我批评", "整改清单"]
    assert all(life.steps.values_list("record_required", flat=True))
    admission = MeetingTemplate.objects.get(kind="member_meeting", variant="admission")
    assert "第二十一条" in admission.citation
    assert admission.steps.count() == 7
    assert {t.kind for t in MeetingTemplate.objects.all()} >= set(Meeting.Kind.values)


def test_minutes_follow_the_template_with_the_attendance_from_the_list(branch: Branch, recorder_user) -> None:  # type: ignore[no-untyped-def]
    meeting = held(branch, kind=Meeting.Kind.LIFE_MEETING)
    rows = list(meeting.attendees.order_by("name"))
    Attendee.objects.filter(pk=rows[0].pk).update(leave=Attendee.Leave.APPROVED, leave_reason="出差")
    Attendee.objects.filter(pk__in=[r.pk for r in rows[1:4]]).update(checked_in_at=meeting.starts_at)
    minutes = service.minutes_start(acting_user=recorder_user, meeting=meeting)
    assert [s.title for s in minutes.steps.order_by("number")] == ["学习", "对照检查", "批评与自我批评", "整改清单"]
    assert list(minutes.sections.values_list("code", flat=True)) == ["topics", "discussion", "resolutions"]
    assert minutes.attendance["expected"] == len(rows)
    assert minutes.attendance["excused"] == [{"name": rows[0].name, "reason": "出差"}]
    assert minutes.attendance["present_count"] == 3
    assert len(minutes.attendance["absent"]) == len(rows) - 4
    assert AuditEvent.objects.filter(event="minutes.started", object_id=str(minutes.pk)).exists()


def test_the_admission_variant_and_local_steps_make_the_checklist(branch: Branch, recorder_user, inst_a) -> None:  # type: ignore[no-untyped-def]
    admin = make_user(inst_a, username="ol_admin", is_superuser=True)
    after = MeetingStep.objects.get(template__kind="member_meeting", template__variant="admission", code="ballot")
    local_meeting_step_save(acting_user=admin, after_step=after, title="计票人、监票人签字", record_required=True)
    with pytest.raises(PermissionDenied):
        local_meeting_step_save(acting_user=branch.secretary, after_step=after, title="x")
    minutes = service.minutes_start(acting_user=recorder_user, meeting=held(branch), variant="admission")
    titles = list(minutes.steps.order_by("number").values_list("title", flat=True))
    assert titles.index("计票人、监票人签字") == titles.index("无记名投票表决") + 1


def test_a_member_who_is_not_the_recorder_cannot_draft(branch: Branch, inst_a) -> None:  # type: ignore[no-untyped-def]
    stranger = make_user(inst_a, username="ol_stranger")
    with pytest.raises(PermissionDenied):
        service.minutes_start(acting_user=stranger, meeting=held(branch))


def test_finalize_needs_both_confirmations(branch: Branch, recorder_user) -> None:  # type: ignore[no-untyped-def]
    minutes = filled(branch, recorder_user)
    once = service.minutes_finalize(acting_user=recorder_user, minutes=minutes)
    assert once.status == Minutes.Status.DRAFT and once.recorder_confirmed_at is not None
    with pytest.raises(ValidationError, match="已确认过"):
        service.minutes_finalize(acting_user=recorder_user, minutes=once)
    done = service.minutes_finalize(acting_user=branch.secretary, minutes=once)
    assert done.status == Minutes.Status.FINALIZED and done.finalized_at is not None
    assert AuditEvent.objects.filter(event="minutes.finalized", object_id=str(done.pk)).exists()


def test_an_edit_withdraws_a_confirmation(branch: Branch, recorder_user) -> None:  # type: ignore[no-untyped-def]
    minutes = filled(branch, recorder_user)
    service.minutes_finalize(acting_user=branch.secretary, minutes=minutes)
    changed = service.minutes_update(
        acting_user=recorder_user, minutes=minutes, sections={"resolutions": "新的决议"}, records={}
    )
    assert changed.host_confirmed_at is None


def test_finalize_without_a_recorder_is_refused(branch: Branch) -> None:
    meeting = held(branch, recorder=None)
    minutes = service.minutes_start(acting_user=branch.secretary, meeting=meeting)
    with pytest.raises(ValidationError) as refused:
        service.minutes_finalize(acting_user=branch.secretary, minutes=minutes)
    assert "会议未指定记录人，不能定稿" in str(refused.value)
    assert Minutes.objects.get(pk=minutes.pk).host_confirmed_at is None


def test_finalize_with_a_missing_required_record_names_the_step(branch: Branch, recorder_user) -> None:  # type: ignore[no-untyped-def]
    meeting = held(branch, kind=Meeting.Kind.LIFE_MEETING)
    minutes = service.minutes_start(acting_user=recorder_user, meeting=meeting)
    steps = list(minutes.steps.order_by("number"))
    service.minutes_update(
        acting_user=recorder_user, minutes=minutes, sections={}, records={s.pk: "有" for s in steps[:3]}
    )
    with pytest.raises(ValidationError) as refused:
        service.minutes_finalize(acting_user=recorder_user, minutes=minutes)
    assert "4. 整改清单" in str(refused.value)
    # An attachment is a record too.
    service.minutes_attach(
        acting_user=recorder_user, minutes=minutes, stream=io.BytesIO(PNG), filename="整改清单.png", step=steps[3]
    )
    assert service.minutes_finalize(acting_user=recorder_user, minutes=minutes).recorder_confirmed_at


def test_finalized_minutes_refuse_every_service_write(branch: Branch, recorder_user) -> None:  # type: ignore[no-untyped-def]
    minutes = finalized(branch, recorder_user)
    step = minutes.steps.first()
    for call in (
        lambda: service.minutes_update(
            acting_user=recorder_user, minutes=minutes, sections={"topics": "改"}, records={}
        ),
        lambda: service.minutes_attach(
            acting_user=recorder_user, minutes=minutes, stream=io.BytesIO(PNG), filename="a.png", step=step
        ),
        lambda: service.minutes_finalize(acting_user=recorder_user, minutes=minutes),
    ):
        with pytest.raises(ValidationError) as refused:
            call()
        assert "已定稿" in str(refused.value)
    assert minutes.sections.get(code="topics").text == "开展批评和自我批评"
    assert not MinutesAttachment.objects.filter(minutes=minutes).exists()


def test_finalized_rows_refuse_model_saves_and_deletes(branch: Branch, recorder_user) -> None:  # type: ignore[no-untyped-def]
    minutes = finalized(branch, recorder_user)
    attendee = minutes.meeting.attendees.first()
    attendee.leave_reason = "改写"
    for call in (attendee.save, attendee.delete, minutes.delete, minutes.sections.first().delete):
        with pytest.raises(ValidationError) as refused, transaction.atomic():
            call()
        assert "已定稿" in str(refused.value)
    with pytest.raises(ValidationError):
        service.require_attendance_open(minutes.meeting)


RAW_WRITES = [
    "UPDATE orglife_minutes SET status = 'draft' WHERE id = %(minutes)s",
    "DELETE FROM orglife_minutes WHERE id = %(minutes)s",
    "UPDATE orglife_minutessection SET text = '改写' WHERE minutes_id = %(minutes)s",
    "DELETE FROM orglife_minutesstep WHERE minutes_id = %(minutes)s",
    "INSERT INTO orglife_minutessection (minutes_id, number, code, title, hint, text)"
    " VALUES (%(minutes)s, 9, 'extra', '追加', '', '')",
    "UPDATE orglife_attendee SET checked_in_at = now() WHERE meeting_id = %(meeting)s",
    "DELETE FROM orglife_attendee WHERE meeting_id = %(meeting)s",
    "INSERT INTO orglife_attendee (meeting_id, name, role, expected, leave, leave_reason, checkin_method, late,"
    " mark_reason) VALUES (%(meeting)s, '后补', 'guest', false, '', '', '', false, '')",
]


@pytest.mark.parametrize("sql", RAW_WRITES)
def test_the_database_refuses_raw_sql_on_finalized_minutes(branch: Branch, recorder_user, sql: str) -> None:  # type: ignore[no-untyped-def]
    minutes = finalized(branch, recorder_user)
    before = (minutes.meeting.attendees.count(), minutes.sections.count(), minutes.steps.count())
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql % {"minutes": minutes.pk, "meeting": minutes.meeting_id})
    assert "会议纪要已定稿" in str(refused.value)
    assert Minutes.objects.get(pk=minutes.pk).status == Minutes.Status.FINALIZED
    assert (minutes.meeting.attendees.count(), minutes.sections.count(), minutes.steps.count()) == before


def test_draft_minutes_and_other_meetings_stay_writable_in_sql(branch: Branch, recorder_user) -> None:  # type: ignore[no-untyped-def]
    minutes = filled(branch, recorder_user)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE orglife_minutessection SET text = 'ok' WHERE minutes_id = %s", [minutes.pk])
        cursor.execute("UPDATE orglife_attendee SET late = true WHERE meeting_id = %s", [minutes.meeting_id])
    assert minutes.sections.filter(text="ok").count() == 3


def test_an_addendum_is_added_beside_and_never_changed(branch: Branch, recorder_user) -> None:  # type: ignore[no-untyped-def]
    draft = filled(branch, recorder_user)
    with pytest.raises(ValidationError, match="尚未定稿"):
        service.minutes_addendum_add(acting_user=recorder_user, minutes=draft, text="更正")
    minutes = finalized(branch, recorder_user)
    addendum = service.minutes_addendum_add(acting_user=recorder_user, minutes=minutes, text="第二项决议的表述更正为……")
    assert list(minutes.addenda.values_list("text", flat=True)) == ["第二项决议的表述更正为……"]
    with pytest.raises(ValidationError, match="只能添加"), transaction.atomic():
        addendum.delete()
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE orglife_minutesaddendum SET text = 'x' WHERE id = %s", [addendum.pk])
    assert "只能添加" in str(refused.value)
    assert MinutesAddendum.objects.get(pk=addendum.pk).text == "第二项决议的表述更正为……"
