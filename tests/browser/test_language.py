"""The language switcher in the top bar: Chinese by default, English on request, remembered."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import BrowserServer
from tests.conftest import Institutions

pytestmark = pytest.mark.browser


def test_language_switcher_turns_the_login_page_english_and_remembers_it(
    page: Page,
    context: BrowserContext,
    console_errors: list[str],
    browser_server: BrowserServer,
    institutions: Institutions,
) -> None:
    login_url = browser_server.url(institutions.a, "/accounts/login/")
    html = page.locator("html")
    switcher = page.locator("form.lang")
    login_button = page.locator("form:not(.lang) button[type=submit]")

    response = page.goto(login_url)
    assert response is not None and response.headers["content-language"] == "zh-hans"
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page.locator("label[for=id_username]")).to_have_text("用户名")
    expect(login_button).to_have_text("登录")
    expect(page).to_have_title("登录 · 党建云")

    switcher.get_by_role("button", name="English", exact=True).click()
    expect(page).to_have_url(login_url)
    expect(html).to_have_attribute("lang", "en")
    # The switcher now offers the way back.
    expect(switcher.get_by_role("button")).to_have_text(["简体中文"])
    # The page itself is English now (locale/en); the institution's name is data and stays as it is.
    expect(page.locator("label[for=id_username]")).to_have_text("Username")
    expect(page.locator("label[for=id_password]")).to_have_text("Password")
    expect(login_button).to_have_text("Sign in")
    expect(page).to_have_title("Sign in · PartyCloud")
    expect(page.locator("h1")).to_have_text(institutions.a.name)

    cookies = {c["name"]: c for c in context.cookies(login_url)}
    language = cookies[settings.LANGUAGE_COOKIE_NAME]
    assert language["value"] == "en"
    assert language["domain"] == "alpha.localhost"

    # Remembered: a new visit (another page of the site) is still English.
    response = page.goto(browser_server.url(institutions.a, "/"))
    assert response is not None and response.headers["content-language"] == "en"
    expect(page).to_have_url(f"{login_url}?next=/")
    expect(html).to_have_attribute("lang", "en")

    switcher.get_by_role("button", name="简体中文", exact=True).click()
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(f"{login_url}?next=/")
    expect(page.locator("label[for=id_username]")).to_have_text("用户名")
    expect(login_button).to_have_text("登录")

    assert console_errors == []
