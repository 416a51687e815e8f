"""Each published metric names the rules it was computed under (services/oversight/fact_rules.py):
the version in force — the standard one or the institution's own adjustment, never its reason —
for the year on its last day and for a month on its first; written only when it changed; shown
with the drill-down to the committee, in its API and in its export."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from openpyxl import load_workbook

from services.accounts.models import User
from services.kernel.figures import figures_run
from services.metrics import registry
from services.metrics.registry import COUNT
from services.orglife.compliance import KIND_RULES, REQUIRED_KINDS
from services.orglife.models import Meeting
from services.oversight.facts import unit_facts_publish
from services.oversight.models import FactRules
from services.rule_overrides.models import RuleOverride
from services.rules import resolver
from services.rules.resolver import STANDARD, rule, rules_in_force
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.factories import MemberFactory

from .helpers import Tree, at, make_tree

pytestmark = pytest.mark.django_db

LECTURE = KIND_RULES[Meeting.Kind.LECTURE]
REASON = "校党委会议纪要（张三签批）"


@pytest.fixture
def tree(inst_a: Institution) -> Tree:
    with in_schema(inst_a):
        built = make_tree()
        for _ in range(5):
            MemberFactory(branch=built.b1)
        starts = at(2025, 3, 10)
        ends = starts + timedelta(hours=1)
        Meeting.objects.create(unit=built.b1, kind=Meeting.Kind.LECTURE, topic="党课", starts_at=starts, ends_at=ends)
        return built


def _publish(institution: Institution, year: int = 2025) -> None:
    with in_schema(institution):
        unit_facts_publish(institution=institution, year=year)


def _rules(institution: Institution, metric: str, period: str) -> list[dict[str, Any]] | None:
    with in_schema("public"):
        row = FactRules.objects.filter(institution=institution, metric=metric, period=period).first()
        return row.rules if row is not None else None


def _by_key(institution: Institution, metric: str, period: str) -> dict[str, dict[str, Any]]:
    return {entry["key"]: entry for entry in _rules(institution, metric, period) or []}


def _adjust_lectures(institution: Institution, *, months: int, effective_from: date) -> None:
    with in_schema(institution):
        RuleOverride.objects.create(key=LECTURE, value=months, effective_from=effective_from, reason=REASON)


def test_each_metric_names_the_version_of_every_rule_it_reads(inst_a: Institution, tree: Tree) -> None:
    _publish(inst_a)
    with in_schema(inst_a):
        standard = rule(LECTURE, on=date(2025, 12, 31))
    assert _rules(inst_a, "orglife.held.lecture", "2025") == [
        {
            "key": LECTURE,
            "title": standard.title,
            "value": standard.value,
            "unit": standard.unit,
            "source": STANDARD,
            "effective_from": standard.effective_from.isoformat(),
            "citation": standard.citation,
        }
    ]
    assert [entry["key"] for entry in _rules(inst_a, "orglife.held", "2025") or []] == [
        KIND_RULES[kind] for kind in REQUIRED_KINDS
    ]
    assert LECTURE in _by_key(inst_a, "orglife.held", "2025-03")  # a monthly metric: its months too
    assert "study.member_hours" in _by_key(inst_a, "study.hours_met", "2025")
    assert _rules(inst_a, "exams.took_part", "2025") is None  # a metric that reads no rule has none
    assert _rules(inst_a, "thought_reports.reviewed_on_time", "2025") is None  # nor one without figures


def test_an_adjustment_is_named_from_the_day_it_takes_effect_and_its_reason_never(
    inst_a: Institution, tree: Tree
) -> None:
    _adjust_lectures(inst_a, months=6, effective_from=date(2025, 7, 1))
    _publish(inst_a)
    (year,) = _rules(inst_a, "orglife.held.lecture", "2025") or []
    assert (year["source"], year["value"], year["effective_from"]) == ("institution", 6, "2025-07-01")
    assert _by_key(inst_a, "orglife.held", "2025-03")[LECTURE]["source"] == STANDARD  # before it
    assert _by_key(inst_a, "orglife.held", "2025-09")[LECTURE]["source"] == "institution"
    with in_schema("public"):
        published = str(list(FactRules.objects.values_list("rules", flat=True)))
    assert "张三" not in published and "纪要" not in published


def test_a_refresh_rewrites_only_the_rules_that_changed(inst_a: Institution, tree: Tree) -> None:
    _publish(inst_a)
    with in_schema("public"):
        before = dict(FactRules.objects.filter(institution=inst_a).values_list("metric", "computed_at"))
        periods = FactRules.objects.filter(institution=inst_a).count()
    _publish(inst_a)
    with in_schema("public"):
        assert dict(FactRules.objects.filter(institution=inst_a).values_list("metric", "computed_at")) == before

    _adjust_lectures(inst_a, months=6, effective_from=date(2025, 1, 1))
    _publish(inst_a)
    with in_schema("public"):
        rows = FactRules.objects.filter(institution=inst_a, period="2025")
        after = dict(rows.values_list("metric", "computed_at"))
        assert FactRules.objects.filter(institution=inst_a).count() == periods
    changed = {metric for metric, when in after.items() if when != before[metric]}
    assert changed == {"orglife.held", "orglife.held.lecture"}


def test_the_committee_sees_what_a_school_figure_was_computed_under(
    inst_a: Institution, tree: Tree, committee_user: User
) -> None:
    _adjust_lectures(inst_a, months=6, effective_from=date(2025, 1, 1))
    _publish(inst_a)
    client = client_for(None, committee_user)
    with in_schema(inst_a):
        title = rule(LECTURE, on=date(2025, 12, 31)).title

    page = client.get(f"/dashboard/schools/{inst_a.code}/?year=2025").content.decode()
    basis = page[page.index('id="rules"') :]
    held = basis[basis.index('data-rules="orglife.held"') :]
    held = held[: held.index("</details>")]  # the dashboard's meeting metric, every kind's rule
    lecture = held[held.index(title) :]
    assert "本校调整" in lecture[: lecture.index("</li>")] and "2025-01-01" in lecture[: lecture.index("</li>")]
    assert REASON not in page

    answer = client.get(f"/api/dashboard/schools/{inst_a.code}/units/?year=2025").json()
    by_metric = {item["metric"]: item for item in answer["rules"]}
    assert by_metric["orglife.held"]["adjusted"] is True
    assert {(r["key"], r["value"]) for r in by_metric["orglife.held"]["rules"] if r["source"] != STANDARD} == {
        (LECTURE, 6)
    }
    assert by_metric["study.hours_met"]["adjusted"] is False

    export = client.get(f"/dashboard/schools/{inst_a.code}/?year=2025&export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[-1]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("指标", "规则")
    assert any(row[1] == title and row[3] == "本校调整" and row[4] == "2025-01-01" for row in rows[1:])


def test_every_metric_declares_the_rules_its_functions_read(inst_a: Institution, tree: Tree) -> None:
    """Each metric computed alone with the resolver watched: the keys it declares are keys of the
    standard set and are read; a rate that reads any rule declares some. (A function may resolve
    a whole group of keys and use one — the meeting intervals, the branch warnings — so a read
    key need not be declared.) Catches a declaration left behind, and a metric that starts
    reading rules without saying so, which would publish a figure without its rules."""
    standard = {value.key for value in rules_in_force()}
    real = resolver._resolve
    for name, metric in registry.METRICS.items():
        assert set(metric.rules) <= standard, name
        asked: set[str] = set()

        def spy(keys: Any, on: date, asked: set[str] = asked) -> Any:
            found = real(keys, on)
            asked.update(keys if keys is not None else found)
            return found

        with in_schema(inst_a), mock.patch.object(resolver, "_resolve", spy), figures_run():
            metric.compute(year=2025)
            if metric.monthly is not None:
                metric.monthly(year=2025)
        if asked:
            assert set(metric.rules) <= asked, (name, set(metric.rules) - asked)
            assert metric.rules or metric.kind == COUNT, f"{name} reads {sorted(asked)} but declares no rule"
