"""An operator publishes a year of the working-day calendar on a phone: check, see the year,
publish, and the year is listed. The calendar is public data: the test removes the year it added."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from services.workdays.models import CalendarYear
from tests.browser.conftest import BrowserServer, BrowserUsers, NewContext, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
YEAR = 2033
ROWS = f"{YEAR}-10-03,休,国庆节\n{YEAR}-10-04,休,国庆节\n{YEAR}-10-09,班,国庆节\n"


@pytest.fixture
def unpublished_year(_browser_env: None) -> Iterator[int]:
    with schema_context("public"):
        CalendarYear.objects.filter(year=YEAR).delete()
    yield YEAR
    with schema_context("public"):
        CalendarYear.objects.filter(year=YEAR).delete()


def test_an_operator_checks_and_publishes_a_year_on_a_phone(
    new_context: NewContext,
    browser_server: BrowserServer,
    browser_users: BrowserUsers,
    unpublished_year: int,
    tmp_path: Path,
) -> None:
    page = new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True).new_page()
    page.goto(browser_server.url(None, "/accounts/login/?next=/workdays/"))
    sign_in(page, browser_users.operator.username, browser_users.password)
    page.get_by_label("年份", exact=True).fill(str(unpublished_year))
    page.get_by_label("依据通知").fill(f"国务院办公厅关于{unpublished_year}年部分节假日安排的通知")
    page.get_by_label("或直接粘贴").fill(ROWS)
    page.get_by_role("button", name="校验").click()
    expect(page.locator("#preview")).to_contain_text("放假 2 天")
    expect(page.locator("#preview")).to_contain_text("调休上班 1 天")
    page.wait_for_load_state()  # measured with the stylesheet applied
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(tmp_path / "workdays-phone.png"), full_page=True)
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_text(f"{unpublished_year} 年节假日安排已发布。")).to_be_visible()
    expect(page.get_by_role("cell", name=str(unpublished_year), exact=True)).to_be_visible()
    with schema_context("public"):
        assert CalendarYear.objects.get(year=unpublished_year).days.count() == 3
