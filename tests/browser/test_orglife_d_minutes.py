"""On a phone (375 px wide): the recorder of a meeting starts its minutes, fills in a step of the
checklist and saves, and the editor and the confirmation page fit the screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import OrgUnit
from services.orglife.models import Meeting, Minutes
from services.orglife.services import meeting_create
from tests.browser.conftest import BrowserServer, NewContext, _delete_user, sign_in
from tests.conftest import Institutions
from tests.factories import PASSWORD, MemberFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
RECORDER = "browser-minutes-recorder"
UNIT = "浏览器纪要测试支部"


@pytest.fixture
def held_meeting(_browser_env: None, institutions: Institutions) -> Iterator[int]:
    schema = institutions.a.schema_name
    with schema_context(schema):
        User.objects.filter(username=RECORDER).delete()  # left over from a --reuse-db run
        unit = OrgUnitFactory(name=UNIT)
        user = UserFactory(username=RECORDER)
        recorder = MemberFactory(branch=unit, name="记录人甲", user=user)
        start = timezone.now() - timedelta(hours=3)
        meeting = meeting_create(
            acting_user=None,
            unit=unit,
            kind=Meeting.Kind.LIFE_MEETING,
            topic="年度组织生活会",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            host=recorder,
            recorder=recorder,
        )
    yield meeting.pk
    with schema_context(schema):
        Meeting.objects.filter(pk=meeting.pk).delete()  # draft minutes: deletable
        Member.objects.filter(branch__name=UNIT).delete()
        OrgUnit.objects.filter(name=UNIT).delete()
    _delete_user(schema, user)


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"


def test_the_recorder_drafts_the_minutes_on_a_phone(
    new_context: NewContext,
    browser_server: BrowserServer,
    institutions: Institutions,
    held_meeting: int,
    console_errors: list[str],
) -> None:
    context = new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(browser_server.url(institutions.a, f"/accounts/login/?next=/orglife/minutes/{held_meeting}/"))
    sign_in(page, RECORDER, PASSWORD)
    expect(page.get_by_role("heading", name="会议纪要")).to_be_visible()
    _fits(page)
    with page.expect_navigation():
        page.get_by_role("button", name="开始记录").click()
    expect(page.get_by_role("heading", name="编辑会议纪要")).to_be_visible()
    _fits(page)
    page.get_by_label("学习", exact=False).first.fill("学习党章和条例")
    with page.expect_navigation():
        page.get_by_role("button", name="保存纪要").click()
    expect(page.get_by_text("会议纪要已保存。")).to_be_visible()
    page.goto(browser_server.url(institutions.a, f"/orglife/minutes/{held_meeting}/finalize/"))
    expect(page.get_by_text("我已核对纪要内容，确认定稿")).to_be_visible()
    _fits(page)
    with schema_context(institutions.a.schema_name):
        step = Minutes.objects.get(meeting_id=held_meeting).steps.get(number=1)
        assert step.text == "学习党章和条例"
    assert not console_errors
