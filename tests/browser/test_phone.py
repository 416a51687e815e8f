"""On a phone: the sign-in page (one column, nothing cut off, touch-sized fields), and every page a
branch secretary or a member uses — no page wider than the screen, a compact header, list tables
laid out as cards, no rule key in what they read — and a navigation that reaches every destination
of their role: four on a bar at the bottom, the others under "更多", the unread reminders visible.

Pages are read once loaded (``goto`` waits for the load event; after a click, ``wait_for_url`` or
``expect`` wait), never counted right after a click."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from services.accounts.models import User
from services.development import reminders as development_reminders
from services.development.models import Dossier
from services.members.models import Member
from services.organization.models import OrgUnit, Position
from services.reminders.models import Reminder
from services.rules.models import StandardRule
from services.rules.resolver import rule
from services.search.text import tokens
from tests.browser.conftest import MEMBER_USERNAME, BrowserServer, BrowserUsers, NewContext, sign_in
from tests.conftest import Institutions
from tests.development.helpers import World, apply
from tests.factories import PASSWORD, MemberFactory
from tests.members.helpers import build_tree, person

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}  # iPhone 12-15 in CSS pixels
# The header and the bottom bar together, as a share of the screen (it was 23% with the old menu).
CHROME_SHARE = 0.16


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
# Every destination of each role's navigation (platform/partycloud/navigation.py).
SECRETARY_DESTINATIONS = (
    "/",
    "/members/me/",
    "/members/",
    "/org/",
    "/rules/",
    "/documents/",
    "/orglife/mine/",
    "/dues/mine/",
    "/openness/",
    "/surveys/",
    "/reports/",
    "/exams/",
    "/study/",
    "/standards/",
    "/development/",
    "/votes/",
    "/orglife/board/",
    "/dues/",
    "/transfers/",
    "/reminders/",
    "/members/import/",
    "/accounts/manage/",
)
MEMBER_DESTINATIONS = (
    "/",
    "/members/me/",
    "/org/",
    "/rules/",
    "/documents/",
    "/orglife/mine/",
    "/dues/mine/",
    "/openness/",
    "/surveys/",
    "/reports/",
    "/exams/",
    "/study/",
    "/reminders/",
)
# The pages each one works in: the destinations and the pages they lead to.
SECRETARY_PAGES = (
    *SECRETARY_DESTINATIONS,
    "/development/new/",
    "/development/template/",
    "/votes/new/",
    "/orglife/meetings/",
    "/orglife/meetings/new/",
    "/orglife/leave/",
    "/transfers/batch/",
    "/search/?q=%E5%85%9A",
    "/dues/bases/",
    "/dues/bases/import/",
    "/dues/bases/declarations/",
    "/dues/reductions/",
    "/dues/arrears/",
    "/dues/disclosure/",
    "/dues/pay/reconcile/",
    "/openness/publish/",
    "/openness/archive/",
    "/surveys/manage/",
    "/surveys/manage/new/",
    "/reports/queue/",
    "/exams/manage/",
    "/exams/manage/new/",
    "/exams/manage/marking/",
    "/exams/bank/",
    "/exams/bank/new/",
    "/exams/bank/import/",
    "/study/branches/",
    "/study/review/",
)
MEMBER_PAGES = (
    *MEMBER_DESTINATIONS,
    "/development/",
    "/votes/",
    "/dues/mine/declare/",
    "/dues/pay/",
    "/dues/reductions/new/",
    "/dues/disclosure/",
    "/study/training/",
)


@dataclass(frozen=True)
class PhoneWorld:
    secretary: str
    dossier_id: int  # an applicant in the secretary's branch, with its guards and an overdue talk
    rule_keys: frozenset[str]


@pytest.fixture
def phone_world(_browser_env: None, institutions: Institutions, browser_users: BrowserUsers) -> Iterator[PhoneWorld]:
    """The secretary of branch X, the browser member as a member of X, an applicant of X, and one
    unread reminder each, with its rule's citation as the reminder scan writes it."""
    with schema_context(institutions.a.schema_name):
        User.objects.filter(username=SECRETARY).delete()  # left over from a --reuse-db run
        tree = build_tree()
        secretary = person(tree.branch_x, SECRETARY, Position.Kind.SECRETARY)
        MemberFactory(branch=tree.branch_x, user=browser_users.member, status=Member.Status.NORMAL)
        dossier = apply(World(tree=tree, secretary=secretary, full_members=[]), applied_on=date(2022, 1, 10))
        [talk] = [d for d in development_reminders.talk_due(timezone.localdate()) if d.url.endswith(f"/{dossier.pk}/")]
        probation = rule("probation.months")
        for user, title, citation in (
            (secretary, talk.title, talk.citation),
            (browser_users.member, "手机测试提醒", probation.explanation),
        ):
            Reminder.objects.create(
                recipient=user,
                key=f"phone:{user.pk}",
                source="phone",
                kind=talk.kind,
                title=title,
                due_on=timezone.localdate() + timedelta(days=3),
                citation=citation,
            )
    with schema_context("public"):
        keys = frozenset(StandardRule.objects.values_list("key", flat=True))
    # The live server runs in this process: load jieba's dictionary now, not during the search
    # page's load (seconds on a busy machine, against the page's 10-second budget).
    tokens("党建")
    yield PhoneWorld(secretary=SECRETARY, dossier_id=dossier.pk, rule_keys=keys)
    with schema_context(institutions.a.schema_name):
        Reminder.objects.filter(source="phone").delete()
        Dossier.objects.filter(branch__path__startswith=tree.committee.path).delete()
        Member.objects.filter(branch__path__startswith=tree.committee.path).delete()
        User.objects.filter(username=SECRETARY).delete()
        for unit in OrgUnit.objects.filter(path__startswith=tree.committee.path).order_by("-path"):
            unit.delete()
    connection.set_schema_to_public()


def _phone_page(new_context: NewContext, server: BrowserServer, institutions: Institutions, username: str) -> Page:
    page = new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()
    page.goto(server.url(institutions.a, "/accounts/login/"))
    sign_in(page, username, PASSWORD)
    return page


def _who(who: str, world: PhoneWorld) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(username, pages, destinations) of the secretary or the member."""
    if who == "secretary":
        return world.secretary, (*SECRETARY_PAGES, f"/development/{world.dossier_id}/"), SECRETARY_DESTINATIONS
    return MEMBER_USERNAME, MEMBER_PAGES, MEMBER_DESTINATIONS


# The layout of a loaded page: its width, the share of the screen the header and the bottom bar
# take, and each table of the content with how its rows are laid out.
LAYOUT = """() => {
  const height = (selector) => {
    const element = document.querySelector(selector);
    return element ? element.getBoundingClientRect().height : 0;
  };
  return {
    width: document.documentElement.scrollWidth,
    chrome: height(".topbar") + height(".tabbar"),
    tables: [...document.querySelectorAll("main table")].map((table) => ({
      cards: table.classList.contains("cards"),
      row: getComputedStyle(table.querySelector("tbody tr") || table).display,
      head: getComputedStyle(table.querySelector("thead") || table).display,
    })),
  };
}"""


@pytest.mark.parametrize("who", ["secretary", "member"])
def test_every_page_of_a_secretary_and_a_member_fits_a_phone(
    who: str,
    new_context: NewContext,
    browser_server: BrowserServer,
    institutions: Institutions,
    phone_world: PhoneWorld,
    tmp_path: Path,
) -> None:
    username, pages, _destinations = _who(who, phone_world)
    page = _phone_page(new_context, browser_server, institutions, username)
    problems: dict[str, list[str]] = {}
    for path in pages:
        response = page.goto(browser_server.url(institutions.a, path))
        assert response is not None and response.status == 200, path
        expect(page.locator("h1").first).to_be_visible()
        expect(page.get_by_role("navigation", name="快捷导航")).to_be_in_viewport()
        layout = page.evaluate(LAYOUT)
        found = []
        if layout["width"] > PHONE["width"]:
            found.append(f"{layout['width']}px wide")
        if layout["chrome"] > CHROME_SHARE * PHONE["height"]:
            found.append(f"header and bar take {layout['chrome']}px")
        for table in layout["tables"]:
            if not (table["cards"] and table["row"] == "block" and table["head"] == "none"):
                found.append(f"a table not laid out as cards: {table}")
        text = page.locator("body").inner_text()
        keys = sorted(key for key in phone_world.rule_keys if key in text)
        if keys:
            found.append(f"rule keys in the text: {keys}")
        if found:
            problems[path] = found
        page.screenshot(path=str(tmp_path / f"{who}{path.split('?')[0].replace('/', '_')}.png"), full_page=True)
    assert not problems, f"on a {PHONE['width']}px phone: {problems}"


@pytest.mark.parametrize("who", ["secretary", "member"])
def test_every_destination_of_the_role_is_reachable_from_the_phone_navigation(
    who: str,
    new_context: NewContext,
    browser_server: BrowserServer,
    institutions: Institutions,
    phone_world: PhoneWorld,
    tmp_path: Path,
) -> None:
    username, _pages, destinations = _who(who, phone_world)
    page = _phone_page(new_context, browser_server, institutions, username)
    bar = page.get_by_role("navigation", name="快捷导航")
    expect(bar).to_be_visible()
    expect(page.get_by_role("navigation", name="主导航")).to_be_hidden()  # the desktop's strip
    tabs = bar.get_by_role("link")
    expect(tabs).to_have_count(4)
    on_bar = [tab.get_attribute("href") for tab in tabs.all()]
    unread = bar.get_by_role("link", name=re.compile("提醒")).locator(".badge")
    expect(unread).to_be_in_viewport()
    expect(unread).to_contain_text("1")

    more = bar.get_by_role("button", name="更多")
    sheet = page.get_by_role("dialog", name="更多")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(sheet).to_be_hidden()
    more.click()
    expect(sheet).to_be_visible()
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(sheet.get_by_role("button", name="关闭")).to_be_focused()  # the focus moved into the sheet
    page.screenshot(path=str(tmp_path / f"{who}-more.png"))
    in_sheet = [link.get_attribute("href") for link in sheet.locator(".sheet-links a").all()]
    assert sorted(on_bar + in_sheet) == sorted(destinations)
    expect(sheet.get_by_role("button", name="退出")).to_be_visible()  # the account's links are there too
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    expect(more).to_be_focused()

    for href in in_sheet:  # each destination under "更多" opens its page
        more.click()
        expect(sheet).to_be_visible()
        sheet.locator(f'.sheet-links a[href="{href}"]').click()
        page.wait_for_url(browser_server.url(institutions.a, href))
        expect(page.locator("h1").first).to_be_visible()
        expect(more).to_have_class(re.compile(r"\bon\b"))  # "更多" shows where the page is
    for href in on_bar:
        bar.locator(f'a[href="{href}"]').click()
        page.wait_for_url(browser_server.url(institutions.a, href))
        expect(bar.locator(f'a[href="{href}"]')).to_have_attribute("aria-current", "page")


def test_without_javascript_more_opens_the_sheet_as_a_list_of_links(
    new_context: NewContext, browser_server: BrowserServer, institutions: Institutions, phone_world: PhoneWorld
) -> None:
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False).new_page()
    page.goto(browser_server.url(institutions.a, "/accounts/login/"))
    sign_in(page, phone_world.secretary, PASSWORD)
    page.get_by_role("navigation", name="快捷导航").get_by_role("link", name="更多").click()
    page.wait_for_url("**/#site-more")
    sheet = page.locator("#site-more")
    for name in ("表决", "组织关系转接", "导入党员"):
        expect(sheet.get_by_role("link", name=name)).to_be_visible()


def test_a_desktop_keeps_the_top_navigation(
    new_context: NewContext,
    browser_server: BrowserServer,
    institutions: Institutions,
    phone_world: PhoneWorld,
    tmp_path: Path,
) -> None:
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(browser_server.url(institutions.a, "/accounts/login/"))
    sign_in(page, phone_world.secretary, PASSWORD)
    top = page.get_by_role("navigation", name="主导航")
    expect(top.get_by_role("link")).to_have_count(len(SECRETARY_DESTINATIONS))
    expect(top.get_by_role("link", name=re.compile("首页"))).to_have_attribute("aria-current", "page")
    expect(top.locator(".badge")).to_be_visible()
    expect(page.get_by_role("navigation", name="快捷导航")).to_be_hidden()
    expect(page.locator(".topnav .who")).to_be_visible()
    page.screenshot(path=str(tmp_path / "desktop.png"))


def test_the_bar_keeps_every_english_label_whole(
    new_context: NewContext,
    browser_server: BrowserServer,
    institutions: Institutions,
    phone_world: PhoneWorld,
    tmp_path: Path,
) -> None:
    context = new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-US")
    context.add_cookies([{"name": "django_language", "value": "en", "url": browser_server.url(institutions.a)}])
    page = context.new_page()
    page.goto(browser_server.url(institutions.a, "/accounts/login/"))
    page.get_by_label("Username", exact=True).fill(phone_world.secretary)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    bar = page.get_by_role("navigation", name="Quick navigation")
    expect(bar.get_by_role("link", name="Recruiting")).to_be_visible()
    expect(bar.get_by_role("button", name="More")).to_be_visible()
    clipped = page.evaluate(
        """() => [...document.querySelectorAll(".tab-label")]
            .filter((label) => label.scrollHeight > label.clientHeight + 1 || label.scrollWidth > label.clientWidth + 1)
            .map((label) => label.textContent)"""
    )
    page.screenshot(path=str(tmp_path / "english-bar.png"))
    assert not clipped, f"labels cut off on the bar: {clipped}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
