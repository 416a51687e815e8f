"""Meeting check-in on a phone-width browser: the host's screen shows a QR code, a member's phone
opens the link it carries, signs in, is checked in, and the screen counts them; a link with an
old code (a slice outside the window, as a forwarded screenshot carries) is refused."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import zxingcpp
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image
from playwright.sync_api import Page, expect

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import OrgUnit, Position
from services.orglife.checkin_codes import current_code
from services.orglife.models import Meeting
from services.orglife.services import meeting_create
from tests.browser.conftest import BrowserServer, NewContext, sign_in
from tests.conftest import Institutions
from tests.factories import PASSWORD, MemberFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@dataclass(frozen=True)
class Hall:
    meeting: Meeting
    host: User
    member: User
    latecomer: User


@pytest.fixture
def hall(institutions: Institutions, browser_server: BrowserServer) -> Iterator[Hall]:
    """A committed branch (the live server sees committed rows only) with its secretary and two
    members with accounts, and a meeting that started five minutes ago; removed afterwards."""
    schema = institutions.a.schema_name
    with schema_context(schema):
        branch = OrgUnitFactory(name="签到测试支部")
        users = [UserFactory(username=name) for name in ("ck-host", "ck-member", "ck-late")]
        members = [
            MemberFactory(branch=branch, name=name, user=user)
            for name, user in zip(("书记", "王芳", "李强"), users, strict=True)
        ]
        Position.objects.create(member=members[0], unit=branch, kind=Position.Kind.SECRETARY, started_on="2025-01-01")
        starts = timezone.now() - timedelta(minutes=5)
        meeting = meeting_create(
            acting_user=None,
            unit=branch,
            kind=Meeting.Kind.LECTURE,
            topic="党课：学习党章",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            host=members[0],
        )
    yield Hall(meeting=meeting, host=users[0], member=users[1], latecomer=users[2])
    with schema_context(schema):
        Meeting.objects.filter(pk=meeting.pk).delete()
        ids = {str(user.pk) for user in users}
        for session in Session.objects.all():
            if str(session.get_decoded().get("_auth_user_id")) in ids:
                session.delete()
        Member.objects.filter(pk__in=[m.pk for m in members]).delete()
        User.objects.filter(pk__in=[u.pk for u in users]).delete()
        OrgUnit.objects.filter(pk=branch.pk).delete()


def _phone(new_context: NewContext) -> Page:
    return new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()


def _fits(page: Page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def _qr_payload(page: Page) -> str:
    """Read the screen's QR code as a phone camera would (from a screenshot of the image)."""
    shot = page.locator("[data-qr]").screenshot()
    found = zxingcpp.read_barcode(Image.open(io.BytesIO(shot)))
    assert found is not None, "the screen's QR code does not read"
    return str(found.text)


def test_a_member_checks_in_from_the_qr_on_the_hosts_screen(
    hall: Hall, institutions: Institutions, browser_server: BrowserServer, new_context: NewContext
) -> None:
    screen = _phone(new_context)
    screen.goto(browser_server.url(institutions.a, "/accounts/login/"))
    sign_in(screen, hall.host.username, PASSWORD)
    screen.goto(browser_server.url(institutions.a, f"/orglife/meetings/{hall.meeting.pk}/screen/"))
    expect(screen.locator("[data-qr]")).to_be_visible()
    expect(screen.locator("[data-code]")).to_have_text(re.compile(r"^\d{6}$"))
    expect(screen.locator("[data-present]")).to_have_text("0")
    _fits(screen)
    link = _qr_payload(screen)
    assert f"/orglife/c/{hall.meeting.pk}/" in link

    phone = _phone(new_context)
    phone.goto(link)
    expect(phone).to_have_url(re.compile(r"/accounts/login/\?next="))
    sign_in(phone, hall.member.username, PASSWORD)  # and back to the link, which checks in
    expect(phone.get_by_text("党课：学习党章")).to_be_visible()
    expect(phone.get_by_text("签到成功")).to_be_visible()
    expect(phone.locator("[data-checked-in]")).to_contain_text("已签到")
    _fits(phone)
    expect(screen.locator("[data-present]")).to_have_text("1")  # the screen polls
    expect(screen.locator("[data-people]")).to_contain_text("王芳")


def test_an_old_code_is_refused_with_the_chinese_message(
    hall: Hall, institutions: Institutions, browser_server: BrowserServer, new_context: NewContext
) -> None:
    meeting = hall.meeting
    old = current_code(meeting.checkin_secret, meeting.pk, timezone.now() - timedelta(minutes=2))  # a past slice
    phone = _phone(new_context)
    phone.goto(browser_server.url(institutions.a, "/accounts/login/"))
    sign_in(phone, hall.latecomer.username, PASSWORD)
    phone.goto(browser_server.url(institutions.a, f"/orglife/c/{meeting.pk}/{old.token}/"))
    expect(phone.locator("[data-checkin-refusal]")).to_contain_text("签到码已过期，请扫描屏幕上的最新二维码")
    _fits(phone)
    with schema_context(institutions.a.schema_name):
        assert not meeting.attendees.filter(checked_in_at__isnull=False).exists()
