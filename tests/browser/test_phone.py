"""The sign-in page on a phone: one column, nothing cut off, no sideways scrolling."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BrowserServer, NewContext
from tests.conftest import Institutions

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}  # iPhone 12-15 in CSS pixels


def test_login_form_fits_a_phone_screen(
    new_context: NewContext, browser_server: BrowserServer, institutions: Institutions, tmp_path: Path
) -> None:
    context = new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(browser_server.url(institutions.a, "/accounts/login/"))
    expect(page.locator("h1")).to_have_text("甲大学")
    # The stylesheet is applied (a page without it would "fit" trivially and look broken).
    expect(page.locator(".topbar")).to_have_css("background-color", "rgb(200, 22, 29)")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"

    fields = [
        page.get_by_label("用户名", exact=True),
        page.get_by_label("密码", exact=True),
        page.get_by_role("button", name="登录", exact=True),
    ]
    for field in fields:
        expect(field).to_be_in_viewport(ratio=1)
        box = field.bounding_box()
        assert box is not None
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], box
        assert box["height"] >= 40, f"touch target too small: {box}"
        # Below 16px, iOS Safari zooms into the field on focus.
        font_size = field.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert font_size >= 16

    page.screenshot(path=str(tmp_path / "login-phone.png"), full_page=True)
