"""Signing in through a real browser: an institution portal, the platform console, and the
boundary between two institutions' sessions."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import MEMBER_NAME, BrowserServer, BrowserUsers, sign_in
from tests.conftest import Institutions

pytestmark = pytest.mark.browser


def test_member_signs_in_and_out_of_the_institution_portal(
    page: Page,
    console_errors: list[str],
    browser_server: BrowserServer,
    browser_users: BrowserUsers,
    institutions: Institutions,
) -> None:
    alpha = institutions.a
    login_url = browser_server.url(alpha, "/accounts/login/")

    page.goto(browser_server.url(alpha, "/"))
    expect(page).to_have_url(f"{login_url}?next=/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_title("登录 · 党建云")
    expect(page.locator("h1")).to_have_text("甲大学")
    expect(page.locator(".brand")).to_contain_text("甲大学")

    sign_in(page, browser_users.member.username, "not-the-password")
    expect(page.locator(".form-errors")).to_have_text("用户名或密码错误。")
    expect(page.get_by_label("用户名", exact=True)).to_have_value(browser_users.member.username)
    expect(page.get_by_label("密码", exact=True)).to_have_value("")

    sign_in(page, browser_users.member.username, browser_users.password)
    expect(page).to_have_url(browser_server.url(alpha, "/"))
    expect(page.locator("h1")).to_have_text(f"您好，{MEMBER_NAME}")
    expect(page.locator(".topnav .who")).to_have_text(MEMBER_NAME)

    page.get_by_role("button", name="退出", exact=True).click()
    expect(page).to_have_url(login_url)
    expect(page.get_by_role("button", name="退出", exact=True)).to_have_count(0)
    page.goto(browser_server.url(alpha, "/"))
    expect(page).to_have_url(f"{login_url}?next=/")

    assert console_errors == []


def test_operator_signs_in_to_the_console_and_sees_every_institution(
    page: Page,
    console_errors: list[str],
    browser_server: BrowserServer,
    browser_users: BrowserUsers,
    institutions: Institutions,
) -> None:
    page.goto(browser_server.url(None, "/"))
    expect(page).to_have_url(browser_server.url(None, "/accounts/login/?next=/"))
    expect(page.locator("h1")).to_have_text("平台管理登录")
    expect(page.locator(".brand")).to_contain_text("党建云 · 平台管理")

    sign_in(page, browser_users.operator.username, browser_users.password)
    expect(page).to_have_url(browser_server.url(None, "/"))
    expect(page.locator("h1")).to_have_text("各校党建概览")
    rows = page.locator("table tbody tr")
    for institution in (institutions.a, institutions.b):
        row = rows.filter(has_text=institution.code)
        expect(row).to_have_count(1)
        # Operators get a link to each institution's page.
        expect(row.get_by_role("link", name=institution.name, exact=True)).to_have_attribute(
            "href", f"/institutions/{institution.code}/"
        )
    expect(rows.filter(has_text="甲大学")).to_have_count(1)
    expect(page.get_by_role("link", name="开通学校")).to_be_visible()

    assert console_errors == []


def _session_cookie(context: BrowserContext, url: str) -> dict[str, object]:
    cookies = [c for c in context.cookies(url) if c["name"] == settings.SESSION_COOKIE_NAME]
    assert len(cookies) == 1, cookies
    return dict(cookies[0])


def test_a_session_of_one_institution_is_not_valid_on_another(
    page: Page,
    context: BrowserContext,
    browser_server: BrowserServer,
    browser_users: BrowserUsers,
    institutions: Institutions,
) -> None:
    alpha, beta = institutions.a, institutions.b
    page.goto(browser_server.url(alpha, "/accounts/login/"))
    sign_in(page, browser_users.member.username, browser_users.password)
    expect(page.locator("h1")).to_have_text(f"您好，{MEMBER_NAME}")

    # The cookie is host-only: the browser does not even send it to beta.
    session = _session_cookie(context, browser_server.url(alpha))
    assert session["domain"] == "alpha.localhost"
    assert session["httpOnly"] is True
    beta_login = re.escape(browser_server.url(beta, "/accounts/login/?next=/"))
    page.goto(browser_server.url(beta, "/"))
    expect(page).to_have_url(re.compile(f"^{beta_login}$"))
    expect(page.locator("h1")).to_have_text("乙学院")

    # Replayed on beta's host, alpha's session key means nothing there (beta's own schema).
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": str(session["value"]),
                "domain": "beta.localhost",
                "path": "/",
            }
        ]
    )
    page.goto(browser_server.url(beta, "/"))
    expect(page).to_have_url(re.compile(f"^{beta_login}$"))
    expect(page.get_by_role("button", name="退出", exact=True)).to_have_count(0)

    # ... while it still signs the member in on alpha.
    page.goto(browser_server.url(alpha, "/"))
    expect(page.locator("h1")).to_have_text(f"您好，{MEMBER_NAME}")
