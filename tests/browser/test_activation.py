"""A newcomer activates their account on a phone-width browser: self-activation with the code
read from the SMS log (as a person reads the SMS), and activation from a slip's QR link."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from services.accounts.codes import code_digest, new_sheet_code
from services.accounts.models import ActivationCode, SignInCounter, User
from services.members.accounts import member_accounts_ensure
from services.members.models import Member
from services.organization.models import OrgUnit
from tests.browser.conftest import BrowserServer, NewContext
from tests.conftest import Institutions
from tests.factories import MemberFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PASSWORD = "Lotus-river-2026"


@pytest.fixture
def people(institutions: Institutions, browser_server: BrowserServer) -> Iterator[dict[str, Member]]:
    """Two committed members of A on the roll, without accounts (the live server sees committed
    rows only); removed afterwards with their accounts, codes and branch."""
    cache.clear()
    schema = institutions.a.schema_name
    with schema_context(schema):
        made = {
            "self": MemberFactory(number="B2026001", name="林晓", phone="13812345678"),
            "slip": MemberFactory(number="B2026002", name="陈晨", phone=""),
        }
    yield made
    with schema_context(schema):
        members = Member.objects.filter(pk__in=[m.pk for m in made.values()])
        user_ids = [uid for uid in members.values_list("user_id", flat=True) if uid]
        branches = [m.branch_id for m in made.values()]
        members.delete()
        User.objects.filter(pk__in=user_ids).delete()
        OrgUnit.objects.filter(pk__in=branches).delete()
        SignInCounter.objects.all().delete()
    cache.clear()


def _phone_page(new_context: NewContext) -> Page:
    return new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"


def _set_password(page: Page) -> None:
    expect(page.locator("h1")).to_have_text("设置密码")
    _fits(page)
    page.get_by_label("新密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认新密码", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="保存密码").click()
    expect(page.locator(".messages")).to_contain_text("账号已激活，请登录。")


def _sign_in(page: Page, name: str) -> None:
    page.get_by_label("用户名", exact=True).fill(name)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("h1")).not_to_have_text("甲大学")  # past the sign-in page


def test_a_member_activates_by_phone_code_and_signs_in_with_the_phone(
    new_context: NewContext,
    browser_server: BrowserServer,
    institutions: Institutions,
    people: dict[str, Member],
    caplog: pytest.LogCaptureFixture,
    settings: Any,
) -> None:
    # The SMS goes out through the notification outbox after the request commits: delivered in
    # this process (no worker here) by the development console channel, read from its log.
    settings.SMS_PROVIDER = "console"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    caplog.set_level(logging.INFO, logger="partycloud.sms")
    member = people["self"]
    page = _phone_page(new_context)
    page.goto(browser_server.url(institutions.a, "/accounts/login/"))
    with page.expect_navigation():
        page.get_by_role("link", name="激活账号").click()
    expect(page.locator("h1")).to_have_text("激活账号")
    _fits(page)
    page.get_by_label("学号/工号").fill(member.number)
    page.get_by_label("姓名").fill(member.name)
    page.get_by_label("身份证号后6位").fill(member.national_id[-6:].lower())
    with page.expect_navigation():
        page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_label("短信验证码")).to_be_visible()
    texts = [r.getMessage() for r in caplog.records if r.name == "partycloud.sms"]
    found = re.search(r"验证码为\s*(\d{6})", texts[-1])
    assert found and "138****5678" in texts[-1]
    page.get_by_label("短信验证码").fill(found.group(1))
    with page.expect_navigation():
        page.get_by_role("button", name="下一步").click()
    _set_password(page)
    _sign_in(page, "13812345678")
    _fits(page)


def test_a_member_activates_from_the_slips_qr_link(
    new_context: NewContext, browser_server: BrowserServer, institutions: Institutions, people: dict[str, Member]
) -> None:
    member = people["slip"]
    with schema_context(institutions.a.schema_name):
        member_accounts_ensure(members=[member], acting_user=None)
        user = User.objects.get(member__pk=member.pk)
        code = new_sheet_code()
        ActivationCode.objects.create(
            user=user,
            kind=ActivationCode.Kind.SHEET,
            digest=code_digest(user_id=user.pk, kind="sheet", code=code),
            expires_at=timezone.now() + timedelta(days=14),
        )
    page = _phone_page(new_context)
    page.goto(browser_server.url(institutions.a, f"/accounts/activate/slip/?u={user.username}&c={code}"))
    expect(page.get_by_label("用户名", exact=True)).to_have_value(user.username)
    expect(page.get_by_label("激活码")).to_have_value(code)
    _fits(page)
    with page.expect_navigation():
        page.get_by_role("button", name="下一步").click()
    expect(page.get_by_test_id("activation-username")).to_have_text(user.username)
    _set_password(page)
    _sign_in(page, user.username)
