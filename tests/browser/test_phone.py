"""On a phone: the sign-in page (one column, nothing cut off, touch-sized fields), and every page
a branch secretary or a member uses, with no sideways scrolling."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import OrgUnit, Position
from tests.browser.conftest import MEMBER_USERNAME, BrowserServer, BrowserUsers, NewContext, sign_in
from tests.conftest import Institutions
from tests.factories import PASSWORD
from tests.members.helpers import build_tree, person

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


SECRETARY = "phone-secretary"
# The pages a branch secretary works in, and those a member sees (the member's own record included).
SECRETARY_PAGES = (
    "/",
    "/members/",
    "/development/",
    "/development/new/",
    "/votes/",
    "/votes/new/",
    "/transfers/",
    "/transfers/batch/",
    "/reminders/",
    "/documents/",
    "/search/?q=%E5%85%9A",
    "/rules/",
)
MEMBER_PAGES = ("/", "/members/me/", "/development/", "/votes/", "/reminders/", "/documents/")


@pytest.fixture
def phone_secretary(_browser_env: None, institutions: Institutions) -> Iterator[str]:
    with schema_context(institutions.a.schema_name):
        User.objects.filter(username=SECRETARY).delete()  # left over from a --reuse-db run
        tree = build_tree()
        person(tree.branch_x, SECRETARY, Position.Kind.SECRETARY)
    yield SECRETARY
    with schema_context(institutions.a.schema_name):
        Member.objects.filter(branch__path__startswith=tree.committee.path).delete()
        User.objects.filter(username=SECRETARY).delete()
        for unit in OrgUnit.objects.filter(path__startswith=tree.committee.path).order_by("-path"):
            unit.delete()


@pytest.mark.parametrize("who", ["secretary", "member"])
def test_every_page_of_a_secretary_and_a_member_fits_a_phone(
    who: str,
    new_context: NewContext,
    browser_server: BrowserServer,
    institutions: Institutions,
    browser_users: BrowserUsers,
    phone_secretary: str,
) -> None:
    username, pages = (phone_secretary, SECRETARY_PAGES) if who == "secretary" else (MEMBER_USERNAME, MEMBER_PAGES)
    page = new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()
    page.goto(browser_server.url(institutions.a, "/accounts/login/"))
    sign_in(page, username, PASSWORD)
    too_wide = {}
    for path in pages:
        response = page.goto(browser_server.url(institutions.a, path))
        assert response is not None and response.status == 200, path
        expect(page.locator("h1").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
    assert not too_wide, f"wider than a {PHONE['width']}px phone: {too_wide}"
