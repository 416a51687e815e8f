"""Check-in pages: the QR link (through sign-in and back), the code-entry page, the result and
check-out, the host's screen and its live state, the attendance page with hand marks."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import zxingcpp
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from services.audit.models import AuditEvent
from services.members.models import Member
from services.orglife.checkin_codes import current_code
from services.orglife.models import Attendee, Meeting
from tests.conftest import client_for, host_of, make_user

from .conftest import Branch, plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _minute_slices(settings: Any) -> None:
    """Codes of a minute: a slow first request of a loaded machine does not outlive the code."""
    settings.ORGLIFE_CHECKIN_SLICE_SECONDS = 60


@pytest.fixture
def meeting(branch: Branch) -> Meeting:
    """A meeting that started five minutes ago: check-in is open."""
    starts = timezone.now() - timedelta(minutes=5)
    return plan(branch, starts_at=starts, ends_at=starts + timedelta(hours=2))


@pytest.fixture
def member(branch: Branch, inst_a: Any) -> tuple[Client, Member]:
    user = make_user(inst_a, username="ol_phone")
    Member.objects.filter(pk=branch.members[5].pk).update(user=user)
    return client_for(inst_a, user), branch.members[5]


def scan_url(meeting: Meeting, at: Any = None) -> str:
    code = current_code(meeting.checkin_secret, meeting.pk, at or timezone.now())
    return reverse("orglife_checkin:scan", kwargs={"pk": meeting.pk, "token": code.token})


def text(response: Any) -> str:
    return response.content.decode()


def test_the_qr_link_signs_in_then_checks_in(branch: Branch, meeting: Meeting, inst_a: Any) -> None:
    user = make_user(inst_a, username="ol_scanner")
    Member.objects.filter(pk=branch.members[6].pk).update(user=user)
    phone = Client(HTTP_HOST=host_of(inst_a))
    scanned = timezone.now()
    url = scan_url(meeting, scanned)
    with mock.patch("django.utils.timezone.now", return_value=scanned):
        first = phone.get(url)
    assert first.status_code == 302 and first["Location"].startswith("/accounts/login/?next=")
    phone.force_login(user)  # signing in keeps the scan; meanwhile the code has expired
    with mock.patch("django.utils.timezone.now", return_value=scanned + timedelta(seconds=150)):
        done = phone.get(url)
    assert done.status_code == 302 and done["Location"] == reverse("orglife_checkin:done", kwargs={"pk": meeting.pk})
    attendee = meeting.attendees.get(member=branch.members[6])
    assert attendee.checkin_method == Attendee.Method.QR and attendee.checked_in_at is not None
    page = phone.get(done["Location"])
    assert "签到成功" in text(page) and "已签到" in text(page)


def test_a_forwarded_old_link_is_refused_with_the_chinese_message(meeting: Meeting, member: tuple) -> None:
    phone, person = member
    old = scan_url(meeting, timezone.now() - timedelta(seconds=180))
    page = phone.get(old)
    assert "签到码已过期，请扫描屏幕上的最新二维码" in text(page)
    assert meeting.topic not in text(page)
    assert meeting.attendees.get(member=person).checked_in_at is None


def test_a_second_scan_goes_to_the_result(meeting: Meeting, member: tuple) -> None:
    phone, _person = member
    phone.get(scan_url(meeting))
    again = phone.get(scan_url(meeting))
    assert again.status_code == 302 and again["Location"].endswith(f"/meetings/{meeting.pk}/checkin/")
    assert "已签到" in text(phone.get(again["Location"]))
    assert meeting.attendees.filter(checked_in_at__isnull=False).count() == 1


def test_the_code_entry_page_lists_open_meetings_and_checks_in(branch: Branch, meeting: Meeting, member: tuple) -> None:
    phone, person = member
    plan(branch, topic="下个月的会")  # tomorrow: not open
    page = phone.get(reverse("orglife_checkin:enter"))
    assert meeting.topic in text(page) and "下个月的会" not in text(page)
    wrong = phone.post(reverse("orglife_checkin:enter"), {"meeting": meeting.pk, "code": "12345"})
    assert "6 位数字" in text(wrong)
    digits = current_code(meeting.checkin_secret, meeting.pk, timezone.now()).digits
    done = phone.post(reverse("orglife_checkin:enter"), {"meeting": meeting.pk, "code": f"{digits[:3]} {digits[3:]}"})
    assert done.status_code == 302
    assert meeting.attendees.get(member=person).checkin_method == Attendee.Method.CODE


def test_another_meetings_code_names_that_meeting(branch: Branch, meeting: Meeting, member: tuple) -> None:
    phone, _person = member
    starts = timezone.now() - timedelta(minutes=1)
    other = plan(branch, topic="另一场党课", starts_at=starts, ends_at=starts + timedelta(hours=1))
    digits = current_code(other.checkin_secret, other.pk, timezone.now()).digits
    page = phone.post(reverse("orglife_checkin:enter"), {"meeting": meeting.pk, "code": digits})
    assert "这是会议“另一场党课”的签到码" in text(page)
    assert not Attendee.objects.filter(checked_in_at__isnull=False).exists()


def test_no_open_meeting_says_so(branch: Branch, member: tuple) -> None:
    phone, _person = member
    assert "没有正在签到的会议" in text(phone.get(reverse("orglife_checkin:enter")))


def test_check_out_from_the_result_page(meeting: Meeting, member: tuple) -> None:
    phone, person = member
    phone.get(scan_url(meeting))
    page = phone.get(reverse("orglife_checkin:done", kwargs={"pk": meeting.pk}))
    assert "签退" in text(page)
    phone.post(reverse("orglife_checkin:checkout", kwargs={"pk": meeting.pk}))
    assert meeting.attendees.get(member=person).checked_out_at is not None


def test_the_host_screen_shows_a_readable_qr_of_the_link_and_the_live_count(
    branch: Branch, meeting: Meeting, member: tuple, inst_a: Any
) -> None:
    host = client_for(inst_a, branch.secretary)
    page = host.get(reverse("orglife_checkin:screen", kwargs={"pk": meeting.pk}))
    assert page.status_code == 200 and "签到二维码" in text(page)
    state = host.get(reverse("orglife_checkin:screen_state", kwargs={"pk": meeting.pk})).json()
    assert state["open"] and len(state["code"]) == 6 and state["url"].endswith(f"/{state['token']}/")
    assert (state["present"], state["expected"]) == (0, len(branch.members) + len(branch.probationary))
    _assert_qr_reads(state["qr"], state["url"])
    phone, person = member
    phone.get(state["url"].split(host_of(inst_a), 1)[1])
    state = host.get(reverse("orglife_checkin:screen_state", kwargs={"pk": meeting.pk})).json()
    assert state["present"] == 1 and state["people"][0]["name"] == person.name


def _assert_qr_reads(data_uri: str, url: str) -> None:
    from PIL import Image

    svg = base64.b64decode(data_uri.split(",", 1)[1]).decode()
    assert svg.startswith("<svg")
    # Draw the SVG's rectangles at 8 px a module and read the code back as a phone would.
    size = int(svg.split('viewBox="0 0 ', 1)[1].split(" ", 1)[0])
    image = Image.new("L", (size * 8, size * 8), 255)
    pixels = image.load()
    path = svg.split(' d="', 1)[1].split('"', 1)[0]
    for part in path.split("M")[1:]:
        x, rest = part.split(" ", 1)
        y, rest = rest.split("h", 1)
        width = int(rest.split("v", 1)[0])
        for px in range(int(x) * 8, (int(x) + width) * 8):
            for py in range(int(y) * 8, (int(y) + 1) * 8):
                pixels[px, py] = 0
    found = zxingcpp.read_barcode(image)
    assert found is not None and found.text == url


def test_the_screen_before_check_in_opens_shows_no_code(branch: Branch, inst_a: Any) -> None:
    later = plan(branch)  # tomorrow
    host = client_for(inst_a, branch.secretary)
    state = host.get(reverse("orglife_checkin:screen_state", kwargs={"pk": later.pk})).json()
    assert not state["open"] and state["code"] == "" and "签到尚未开始" in state["notice"]


def test_members_on_the_list_may_not_open_the_screen(meeting: Meeting, member: tuple) -> None:
    phone, _person = member
    assert phone.get(reverse("orglife_checkin:screen", kwargs={"pk": meeting.pk})).status_code == 403
    assert phone.get(reverse("orglife_checkin:screen_state", kwargs={"pk": meeting.pk})).status_code == 403


def test_the_meetings_host_runs_its_screen(branch: Branch, member: tuple) -> None:
    phone, person = member
    hosted = plan(branch, host=person)
    assert phone.get(reverse("orglife_checkin:screen", kwargs={"pk": hosted.pk})).status_code == 200


def test_hand_mark_and_undo_from_the_attendance_page(branch: Branch, meeting: Meeting, inst_a: Any) -> None:
    host = client_for(inst_a, branch.secretary)
    attendee = meeting.attendees.get(member=branch.members[7])
    page = host.get(reverse("orglife_checkin:attendance", kwargs={"pk": meeting.pk}))
    assert "补记" in text(page) and attendee.name in text(page)
    mark = reverse("orglife_checkin:mark", kwargs={"pk": attendee.pk})
    refused = host.post(mark, {"reason": ""}, follow=True)
    assert "请填写补记原因" in text(refused)
    host.post(mark, {"reason": "到会未扫码"})
    attendee.refresh_from_db()
    assert attendee.checkin_method == Attendee.Method.MANUAL and attendee.mark_reason == "到会未扫码"
    unmark = reverse("orglife_checkin:unmark", kwargs={"pk": attendee.pk})
    assert "确认撤销" in text(host.get(unmark))
    attendee.refresh_from_db()
    assert attendee.present  # the confirmation page changes nothing
    host.post(unmark)
    attendee.refresh_from_db()
    assert not attendee.present
    assert (
        AuditEvent.objects.filter(event__in=["meeting.attendance_marked", "meeting.attendance_unmarked"]).count() == 2
    )
