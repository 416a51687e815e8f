"""The committee's dashboard reads (services/oversight/dashboard.py) on facts inserted directly:
one row per active institution from its root unit's facts, sums by type and region that leave
suppressed facts out and say "< 5" for them, months, a drill-down one level at a time, and no
ranking unless asked for."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.metrics import registry
from services.metrics.registry import Metric
from services.oversight import dashboard
from services.oversight.dashboard import Cell, Filters
from services.oversight.drilldown import drilldown
from services.oversight.facts import SCORES
from tenants.models import Institution
from tests.oversight.helpers import fact, school

pytestmark = pytest.mark.django_db

YEAR = Filters(year=2026)


@pytest.fixture
def world(inst_a: Institution, inst_b: Institution) -> dict[str, Institution]:
    Institution.objects.filter(pk=inst_a.pk).update(kind="university", region="东区")
    Institution.objects.filter(pk=inst_b.pk).update(kind="vocational", region="西区")
    fact(inst_a, "members.on_roll", 120)
    fact(inst_a, "orglife.held", 30, 40)
    fact(inst_a, "dues.collected", 90, 100)
    fact(inst_a, "orglife.held", 8, 10, path="1.4.", kind="second_level")
    fact(inst_a, "orglife.held", 3, 3, path="1.4.17.", kind="branch")  # suppressed: 3 < 5
    fact(inst_a, "orglife.held", 5, 7, path="1.4.18.", kind="branch")
    fact(inst_a, "orglife.held", 2, 4, path="1.5.", kind="second_level")  # suppressed
    fact(inst_a, "orglife.held", 9, 10, period="2026-03")
    fact(inst_b, "members.on_roll", 80)
    fact(inst_b, "orglife.held", 2, 3)  # suppressed at the root
    fact(inst_b, "dues.collected", 50, 100)
    fact(inst_b, "orglife.held", 1, 10, period="2026-03")
    fact(inst_b, "members.on_roll", 999, period="2025")  # another year
    gone = school("gone", kind="university", region="东区")
    fact(gone, "members.on_roll", 500)
    Institution.objects.filter(pk=gone.pk).update(status="suspended")
    return {"a": inst_a, "b": inst_b}


def _row(page: dashboard.SchoolPage, code: str) -> dashboard.SchoolRow:
    return next(row for row in page.rows if row.institution.code == code)


def test_the_school_table_has_a_row_per_active_institution_with_its_root_facts(world: dict[str, Institution]) -> None:
    page = dashboard.school_table(filters=YEAR)
    assert [row.institution.code for row in page.rows] == ["alpha", "beta"]  # not the suspended one
    alpha, beta = _row(page, "alpha"), _row(page, "beta")
    assert alpha.cells["members.on_roll"].text == "120"
    assert alpha.cells["orglife.held"].text == "75%"
    assert alpha.cells["dues.collected"].value == 90
    assert beta.cells["orglife.held"].text == "< 5" and beta.cells["orglife.held"].value is None
    assert beta.cells["members.on_roll"].text == "80"  # this year's, not 2025's
    assert [c.text for c in alpha.columns()][-1] == "—"  # no standards facts yet
    assert page.total == 2 and page.pages == 1 and alpha.rank is None


def test_the_table_takes_three_queries_a_page(world: dict[str, Institution]) -> None:
    for i in range(30):
        fact(school(f"s{i:02d}"), "orglife.held", i, 40)
    with CaptureQueriesContext(connection) as queries:
        page = dashboard.school_table(filters=YEAR, page=2, per_page=10)
    assert len(queries) == 3
    assert page.rows[0].institution.code == "s08" and page.pages == 4


def test_filters_by_type_and_region(world: dict[str, Institution]) -> None:
    school("delta", kind="vocational", region="东区")
    assert [r.institution.code for r in dashboard.school_table(filters=Filters(2026, kind="vocational")).rows] == [
        "beta",
        "delta",
    ]
    assert [r.institution.code for r in dashboard.school_table(filters=Filters(2026, region="东区")).rows] == [
        "alpha",
        "delta",
    ]
    east = dashboard.groups(filters=Filters(2026, region="东区"), by="kind")
    assert [g.key for g in east] == ["university"]
    assert dashboard.regions() == ["东区", "西区"]


def test_groups_sum_what_is_not_suppressed_and_say_what_they_left_out(world: dict[str, Institution]) -> None:
    by_kind = {g.key: g for g in dashboard.groups(filters=YEAR, by="kind")}
    assert by_kind["university"].label == "本科院校"
    assert by_kind["university"].cells["members.on_roll"].value == 120  # the suspended school is not counted
    vocational = by_kind["vocational"].cells["orglife.held"]
    assert vocational.suppressed and vocational.text == "< 5" and vocational.hidden == 1
    total = dashboard.totals(list(by_kind.values()))
    assert total.cells["members.on_roll"].value == 200
    assert total.cells["dues.collected"].text == "70%"
    held = total.cells["orglife.held"]
    assert held.text == "75%" and held.hidden == 1  # beta's suppressed fact is left out
    by_region = {g.key: g for g in dashboard.groups(filters=YEAR, by="region")}
    assert set(by_region) == {"东区", "西区"}


def test_trends_are_monthly_sums(world: dict[str, Institution]) -> None:
    months = dashboard.trends(filters=YEAR)
    assert [c.text for c in months["orglife.held"][:4]] == ["—", "—", "50%", "—"]  # (9 + 1) / (10 + 10)
    assert len(months["dues.collected"]) == 12


def test_the_drill_down_goes_one_level_at_a_time_with_the_same_suppression(world: dict[str, Institution]) -> None:
    root = drilldown(institution_id=world["a"].pk, year=2026)
    assert root.unit is not None and root.unit.path == "1." and root.trail == ["1."]
    assert [u.path for u in root.children] == ["1.4.", "1.5."]
    assert [u.cells["orglife.held"].text for u in root.children] == ["80%", "< 5"]
    assert root.children[0].kind_label == "院系党委"
    college = drilldown(institution_id=world["a"].pk, year=2026, unit_path="1.4.")
    assert college.unit is not None and college.unit.path == "1.4." and college.trail == ["1.", "1.4."]
    assert [(u.path, u.cells["orglife.held"].text) for u in college.children] == [
        ("1.4.17.", "< 5"),
        ("1.4.18.", "71%"),
    ]
    branch = drilldown(institution_id=world["a"].pk, year=2026, unit_path="1.4.17.")
    assert branch.children == [] and branch.unit is not None
    other = drilldown(institution_id=world["b"].pk, year=2026, unit_path="1.4.")
    assert other.unit is None and other.children == []  # another school's paths are its own
    with pytest.raises(ValueError):
        drilldown(institution_id=world["a"].pk, year=2026, unit_path="1.4")


def test_rankings_are_off_by_default(world: dict[str, Institution]) -> None:
    page = dashboard.school_table(filters=YEAR, sort="-dues.collected")
    assert page.sort == "code" and not page.ranked and all(r.rank is None for r in page.rows)
    assert "dues.collected" not in dashboard.sort_keys(rankings=False)
    ranked = dashboard.school_table(filters=YEAR, sort="dues.collected", rankings=True)
    assert [(r.institution.code, r.rank) for r in ranked.rows] == [("beta", 1), ("alpha", 2)]
    ranked = dashboard.school_table(filters=YEAR, sort="-orglife.held", rankings=True)
    assert [r.institution.code for r in ranked.rows] == ["alpha", "beta"]  # suppressed last


def test_labels_come_from_the_registry_then_the_standardization_results_then_the_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "METRICS", {"dues.collected": Metric("收缴（登记）", lambda *, year: [])})
    assert dashboard.label("dues.collected") == "收缴（登记）"
    assert dashboard.label("standards.score") == str(SCORES["standards.score"].label)
    assert dashboard.label("orglife.held") == "orglife.held"  # no longer listed: its facts still show


def test_a_cell_shows_counts_percents_and_suppression() -> None:
    assert Cell("members.on_roll", 12, 12).text == "12"
    assert Cell("standards.score", 853, 1000).text == "85%"
    assert Cell("orglife.held", None, None, suppressed=True).band == "s"
    assert Cell("orglife.held", 19, 20).band == "9"
    assert Cell("orglife.held", 0, 0).text == "—"


def test_home_totals_come_from_the_count_facts(world: dict[str, Institution]) -> None:
    fact(world["a"], "organization.branches", 12)
    assert dashboard.home_totals(year=2026) == {"members": 200, "probationary": 0, "branches": 12}
    assert dashboard.home_totals(year=2027) == {"members": 200, "probationary": 0, "branches": 12}  # last year's
    assert dashboard.home_totals(year=2030) is None
