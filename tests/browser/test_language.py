"""The language switcher in the top bar: Chinese by default, English on request, remembered."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import BrowserServer
from tests.conftest import Institutions

pytestmark = pytest.mark.browser


def _english(text: str) -> str:
    with translation.override("en"):
        return translation.gettext(text)


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

    response = page.goto(login_url)
    assert response is not None and response.headers["content-language"] == "zh-hans"
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page.locator("label[for=id_username]")).to_have_text("用户名")

    switcher.get_by_role("button", name="English", exact=True).click()
    expect(page).to_have_url(login_url)
    expect(html).to_have_attribute("lang", "en")
    # The switcher now offers the way back.
    expect(switcher.get_by_role("button")).to_have_text(["简体中文"])
    # The English catalogue may still be untranslated: then the Chinese text stays.
    expect(page.locator("label[for=id_username]")).to_have_text(_english("用户名"))
    expect(page).to_have_title(f"{_english('登录')} · {_english('党建云')}")

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

    assert console_errors == []
