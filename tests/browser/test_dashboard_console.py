"""The committee's dashboard in a browser, on a phone: the charts are drawn by ECharts from the
static files (no console error: a CSP refusal or a missing file would be one), the tables are
there as text, the page is no wider than the screen, the drill-down opens a college, and a
school's page says, folded under 计算依据, which rules its figures were computed under."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from services.oversight.models import FactRules, UnitFact
from tests.browser.conftest import BrowserServer, BrowserUsers, NewContext, sign_in
from tests.conftest import Institutions
from tests.oversight.helpers import fact

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
YEAR = 2031  # a year no other test publishes facts for
# The lecture interval as the school adjusted it (a FactRules entry, as the facts job writes it).
LECTURE = {
    "key": "meetings.lecture_months",
    "title": "党课间隔",
    "value": 6,
    "unit": "months",
    "source": "institution",
    "effective_from": f"{YEAR}-01-01",
    "citation": "《中国共产党支部工作条例（试行）》(2018)",
}


@pytest.fixture
def facts(_browser_env: None, institutions: Institutions) -> Iterator[None]:
    with schema_context("public"):
        UnitFact.objects.filter(period__startswith=str(YEAR)).delete()
        a = institutions.a
        fact(a, "members.on_roll", 321, period=str(YEAR))
        fact(a, "orglife.held", 30, 40, period=str(YEAR))
        fact(a, "orglife.held", 8, 10, path="1.4.", kind="second_level", period=str(YEAR))
        fact(a, "orglife.held", 3, 3, path="1.4.17.", kind="branch", period=str(YEAR))
        fact(a, "dues.collected", 9, 10, period=f"{YEAR}-05")
        FactRules.objects.create(
            institution=a, metric="orglife.held", period=str(YEAR), computed_at=timezone.now(), rules=[LECTURE]
        )
    yield
    with schema_context("public"):
        UnitFact.objects.filter(period__startswith=str(YEAR)).delete()
        FactRules.objects.filter(period__startswith=str(YEAR)).delete()


def test_the_dashboard_draws_its_charts_and_drills_down_on_a_phone(
    new_context: NewContext,
    browser_server: BrowserServer,
    browser_users: BrowserUsers,
    facts: None,
    tmp_path: Path,
) -> None:
    from partycloud import vendor

    context = new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True)
    errors: list[str] = []
    page: Page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(browser_server.url(None, f"/accounts/login/?next=/dashboard/%3Fyear%3D{YEAR}"))
    sign_in(page, browser_users.operator.username, browser_users.password)
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(YEAR))
    expect(page.locator("table.heat")).to_contain_text("75%")
    page.wait_for_load_state("load")
    if (vendor.STATIC_VENDOR / vendor.ECHARTS.target).exists():
        expect(page.locator('[data-chart="heatmap"] canvas')).to_have_count(1)
        expect(page.locator('[data-chart="line"] canvas')).to_have_count(1)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(tmp_path / "dashboard-phone.png"), full_page=True)
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"
    page.get_by_role("link", name="甲大学").first.click()  # the school's drill-down
    basis = page.locator('details[data-rules="orglife.held"]')
    expect(basis.locator("summary")).to_contain_text("本校调整")
    basis.locator("summary").click()  # folded until asked for
    expect(basis).to_contain_text("党课间隔：6 个月")
    expect(basis).to_contain_text(f"{YEAR}-01-01 起施行")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the school's page is {width}px wide on a {PHONE['width']}px screen"
    page.get_by_role("link", name="1.4.", exact=True).click()
    expect(page.locator("table")).to_contain_text("1.4.17.")
    expect(page.locator("table")).to_contain_text("< 5")
    assert not [e for e in errors if "favicon" not in e], errors
