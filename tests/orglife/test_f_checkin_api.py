"""The check-in API: check in by code or token, check out, the host's screen state, the attendance
list, hand marks and their undo — thin over checkin.py, refusals in Chinese through the one
exception handler, the host's routes refused (403) to those on the list and hidden (404) from
everyone else."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from services.audit.models import AuditEvent
from services.members.models import Member
from services.orglife.checkin_codes import current_code
from services.orglife.models import Attendee, Meeting
from tests.conftest import client_for, make_user

from .conftest import Branch, plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _minute_slices(settings: Any) -> None:
    settings.ORGLIFE_CHECKIN_SLICE_SECONDS = 60


@pytest.fixture
def meeting(branch: Branch) -> Meeting:
    """A meeting that started five minutes ago: check-in is open."""
    starts = timezone.now() - timedelta(minutes=5)
    return plan(branch, starts_at=starts, ends_at=starts + timedelta(hours=2))


@pytest.fixture
def phone(branch: Branch, inst_a: Any) -> Any:
    user = make_user(inst_a, username="ol_api_phone")
    Member.objects.filter(pk=branch.members[5].pk).update(user=user)
    return client_for(inst_a, user)


def send(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def said(response: Any) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def code(meeting: Meeting) -> Any:
    return current_code(meeting.checkin_secret, meeting.pk, timezone.now())


def test_check_in_by_code_then_by_token_then_out(branch: Branch, meeting: Meeting, phone: Any) -> None:
    url = reverse("orglife-checkin", kwargs={"pk": meeting.pk})
    done = send(phone, url, {"code": code(meeting).digits})
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body["already"] is False and body["attendee"]["present"] is True
    assert body["attendee"]["checkin_method"] == "code" and "签到成功" in body["message"]
    again = send(phone, url, {"token": code(meeting).token})
    assert again.status_code == 200 and again.json()["already"] is True and "无需重复签到" in again.json()["message"]
    out = send(phone, reverse("orglife-checkout", kwargs={"pk": meeting.pk}))
    assert out.status_code == 200 and out.json()["checked_out_at"]
    twice = send(phone, reverse("orglife-checkout", kwargs={"pk": meeting.pk}))
    assert twice.status_code == 400 and "签退" in said(twice)


def test_check_in_refusals(branch: Branch, meeting: Meeting, phone: Any) -> None:
    url = reverse("orglife-checkin", kwargs={"pk": meeting.pk})
    empty = send(phone, url)
    assert empty.status_code == 400 and "6 位数字签到码" in said(empty)
    wrong = send(phone, url, {"code": "000000" if code(meeting).digits != "000000" else "111111"})
    assert wrong.status_code == 400 and "签到码" in said(wrong)
    assert send(phone, reverse("orglife-checkin", kwargs={"pk": 999999}), {"code": "123456"}).status_code == 404
    assert not meeting.attendees.filter(checked_in_at__isnull=False).exists()
    later = plan(branch, topic="明天的会")
    early = send(phone, reverse("orglife-checkin", kwargs={"pk": later.pk}), {"code": code(later).digits})
    assert early.status_code == 400 and "签到尚未开始" in said(early)
    not_in = send(phone, reverse("orglife-checkout", kwargs={"pk": meeting.pk}))
    assert not_in.status_code == 400 and "您尚未签到" in said(not_in)


def test_check_out_of_a_meeting_one_is_not_on_is_a_404(branch: Branch, meeting: Meeting, inst_a: Any) -> None:
    stranger = client_for(inst_a, make_user(inst_a, username="ol_api_stranger"))
    assert send(stranger, reverse("orglife-checkout", kwargs={"pk": meeting.pk})).status_code == 404
    refused = send(stranger, reverse("orglife-checkin", kwargs={"pk": meeting.pk}), {"code": code(meeting).digits})
    assert refused.status_code == 400 and "不在本次会议的应到名单上" in said(refused)


def test_the_host_polls_the_state_and_reads_the_attendance(
    branch: Branch, meeting: Meeting, phone: Any, inst_a: Any
) -> None:
    send(phone, reverse("orglife-checkin", kwargs={"pk": meeting.pk}), {"code": code(meeting).digits})
    host = client_for(inst_a, branch.secretary)
    state = host.get(reverse("orglife-checkin-state", kwargs={"pk": meeting.pk}))
    assert state.status_code == 200 and state["Cache-Control"] == "no-store"
    body = state.json()
    assert body["open"] is True and body["code"] == code(meeting).digits and body["qr"].startswith("data:")
    assert body["present"] == 1 and [p["name"] for p in body["people"]] == [branch.members[5].name]
    rows = host.get(reverse("orglife-checkin-attendance", kwargs={"pk": meeting.pk})).json()
    assert len(rows) == meeting.attendees.count()
    assert [r["name"] for r in rows if r["present"]] == [branch.members[5].name]


def test_the_host_routes_refuse_those_on_the_list_and_hide_from_others(
    meeting: Meeting, phone: Any, inst_a: Any
) -> None:
    row = meeting.attendees.first()
    assert row is not None
    for response in (
        phone.get(reverse("orglife-checkin-state", kwargs={"pk": meeting.pk})),
        phone.get(reverse("orglife-checkin-attendance", kwargs={"pk": meeting.pk})),
        send(phone, reverse("orglife-attendance-mark", kwargs={"pk": row.pk}), {"reason": "忘带手机"}),
        send(phone, reverse("orglife-attendance-unmark", kwargs={"pk": row.pk})),
    ):
        assert response.status_code == 403 and "只有会议主持人" in said(response)
    stranger = client_for(inst_a, make_user(inst_a, username="ol_api_other"))
    assert stranger.get(reverse("orglife-checkin-state", kwargs={"pk": meeting.pk})).status_code == 404
    assert send(stranger, reverse("orglife-attendance-mark", kwargs={"pk": row.pk}), {"reason": "x"}).status_code == 404
    assert not Attendee.objects.filter(pk=row.pk, checked_in_at__isnull=False).exists()


def test_the_host_marks_by_hand_with_a_reason_and_undoes_it(branch: Branch, meeting: Meeting, inst_a: Any) -> None:
    host = client_for(inst_a, branch.secretary)
    row = meeting.attendees.get(member=branch.members[6])
    mark = reverse("orglife-attendance-mark", kwargs={"pk": row.pk})
    missing = send(host, mark, {"reason": ""})
    assert missing.status_code == 400 and "请填写补记原因" in said(missing)
    assert send(host, mark).status_code == 400
    marked = send(host, mark, {"reason": "手机没电"})
    assert marked.status_code == 200, marked.json()
    assert marked.json()["checkin_method"] == "manual" and marked.json()["mark_reason"] == "手机没电"
    assert AuditEvent.objects.filter(event="meeting.attendance_marked").exists()
    assert send(host, mark, {"reason": "再补"}).status_code == 400
    undone = send(host, reverse("orglife-attendance-unmark", kwargs={"pk": row.pk}))
    assert undone.status_code == 200 and undone.json()["present"] is False
    again = send(host, reverse("orglife-attendance-unmark", kwargs={"pk": row.pk}))
    assert again.status_code == 400 and "只能撤销主持人补记的签到" in said(again)


def test_the_routes_are_in_the_schema(branch: Branch, inst_a: Any) -> None:
    schema = client_for(inst_a, branch.secretary).get("/api/schema/", {"format": "json"})
    paths = json.loads(schema.content)["paths"]
    for path in (
        "/api/orglife/checkin/{id}/",
        "/api/orglife/checkin/{id}/checkout/",
        "/api/orglife/checkin/{id}/state/",
        "/api/orglife/checkin/{id}/attendance/",
        "/api/orglife/attendees/{id}/mark/",
        "/api/orglife/attendees/{id}/unmark/",
    ):
        assert path in paths, path
