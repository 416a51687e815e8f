"""How the facts job publishes a metric's figures (services/oversight/facts.py): every unit above a
branch gets the sum of its subtree's raw figures; small counts of people are suppressed, counts of
units never; a count keeps no denominator; monthly metrics publish "YYYY-MM" periods; snapshot
metrics only the current year; a refresh rewrites only what changed."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from services.kernel.figures import UnitFigure
from services.metrics import registry
from services.metrics.registry import COUNT, Metric
from services.oversight.facts import unit_facts_publish
from services.oversight.models import UnitFact
from tenants.models import Institution
from tests.conftest import in_schema

from .helpers import Tree, facts_of, make_tree

pytestmark = pytest.mark.django_db

YEAR = 2025


def _metrics(tree: Tree, calls: list[str]) -> dict[str, Metric]:
    def people(*, year: int) -> list[UnitFigure]:
        calls.append(f"people {year}")
        return [UnitFigure(tree.b1.pk, 3, 4), UnitFigure(tree.b2.pk, 2, 3), UnitFigure(tree.b3.pk, 6, 10)]

    def units(*, year: int) -> list[UnitFigure]:
        return [UnitFigure(tree.b1.pk, 1, 1), UnitFigure(tree.b2.pk, 0, 1)]

    def count(*, year: int) -> list[UnitFigure]:
        return [UnitFigure(tree.b1.pk, 3, 3), UnitFigure(tree.b3.pk, 9, 9)]

    def monthly(*, year: int) -> dict[int, list[UnitFigure]]:
        return {1: [UnitFigure(tree.b1.pk, 5, 6)], 2: [UnitFigure(tree.b1.pk, 2, 6), UnitFigure(tree.b3.pk, 1, 1)]}

    def snapshot(*, year: int) -> list[UnitFigure]:
        calls.append(f"snapshot {year}")
        return [UnitFigure(tree.b3.pk, 1, 1)]

    return {
        "x.people": Metric("人", people),
        "x.units": Metric("单位", units, of_people=False),
        "x.count": Metric("计数", count, kind=COUNT),
        "x.monthly": Metric("按月", lambda *, year: [], monthly=monthly),
        "x.snapshot": Metric("快照", snapshot, kind=COUNT, of_people=False, snapshot=True),
    }


@pytest.fixture
def tree(inst_a: Institution) -> Tree:
    with in_schema(inst_a):
        return make_tree()


def test_every_unit_above_gets_the_sum_of_its_subtree(
    inst_a: Institution, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "METRICS", _metrics(tree, []))
    with in_schema(inst_a):
        unit_facts_publish(institution=inst_a, year=YEAR)
    college, root = facts_of(inst_a, tree.college), facts_of(inst_a, tree.root)
    # Summed before suppression: 3/4 and 2/3 are each too small, their 5/7 is not.
    assert college[("x.people", "2025")] == (False, 5, 7)
    assert root[("x.people", "2025")] == (False, 11, 17)
    assert facts_of(inst_a, tree.b3)[("x.people", "2025")] == (False, 6, 10)
    with in_schema("public"):
        depths = dict(UnitFact.objects.filter(institution=inst_a, metric="x.people").values_list("unit_path", "depth"))
    assert depths[tree.root.path] == 1 and depths[tree.college.path] == 2 and depths[tree.b1.path] == 3


def test_small_counts_of_people_are_suppressed_counts_of_units_are_not(
    inst_a: Institution, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "METRICS", _metrics(tree, []))
    with in_schema(inst_a):
        unit_facts_publish(institution=inst_a, year=YEAR)
    b1, b2 = facts_of(inst_a, tree.b1), facts_of(inst_a, tree.b2)
    assert b1[("x.people", "2025")] == (True, None, None)
    assert b2[("x.people", "2025")] == (True, None, None)
    assert b1[("x.units", "2025")] == (False, 1, 1)
    assert b2[("x.units", "2025")] == (False, 0, 1)
    assert facts_of(inst_a, tree.college)[("x.units", "2025")] == (False, 1, 2)


def test_a_count_keeps_its_number_and_no_denominator(
    inst_a: Institution, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "METRICS", _metrics(tree, []))
    with in_schema(inst_a):
        unit_facts_publish(institution=inst_a, year=YEAR)
    assert facts_of(inst_a, tree.b1)[("x.count", "2025")] == (True, None, None)  # 3 people: too few
    assert facts_of(inst_a, tree.b3)[("x.count", "2025")] == (False, 9, None)
    assert facts_of(inst_a, tree.root)[("x.count", "2025")] == (False, 12, None)
    with in_schema("public"):
        row = UnitFact.objects.get(institution=inst_a, metric="x.count", unit_path=tree.root.path)
    assert row.percent is None


def test_monthly_metrics_publish_each_month(inst_a: Institution, tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "METRICS", _metrics(tree, []))
    with in_schema(inst_a):
        unit_facts_publish(institution=inst_a, year=YEAR)
    root = facts_of(inst_a, tree.root)
    assert root[("x.monthly", "2025-01")] == (False, 5, 6)
    assert root[("x.monthly", "2025-02")] == (False, 3, 7)
    assert ("x.monthly", "2025-03") not in root
    with in_schema("public"):
        periods = set(UnitFact.objects.filter(institution=inst_a).values_list("period", flat=True))
    assert periods == {"2025", "2025-01", "2025-02"}


def test_snapshots_are_published_for_the_current_year_only(
    inst_a: Institution, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(registry, "METRICS", _metrics(tree, calls))
    this_year = timezone.localdate().year
    with in_schema(inst_a):
        unit_facts_publish(institution=inst_a, year=this_year)
        unit_facts_publish(institution=inst_a, year=this_year - 1)
    assert calls == [f"people {this_year}", f"snapshot {this_year}", f"people {this_year - 1}"]
    root = facts_of(inst_a, tree.root)
    assert root[("x.snapshot", str(this_year))] == (False, 1, None)
    assert ("x.snapshot", str(this_year - 1)) not in root


def test_a_past_years_snapshot_is_kept_by_a_later_run(
    inst_a: Institution, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the last run of a year found stays once the year is over."""
    monkeypatch.setattr(registry, "METRICS", _metrics(tree, []))
    last_year = timezone.localdate().year - 1
    with in_schema("public"):
        UnitFact.objects.create(
            institution=inst_a,
            metric="x.snapshot",
            period=str(last_year),
            unit_path=tree.root.path,
            unit_kind="committee",
            depth=1,
            numerator=7,
            computed_at=timezone.now(),
        )
    with in_schema(inst_a):
        unit_facts_publish(institution=inst_a, year=last_year)
    assert facts_of(inst_a, tree.root)[("x.snapshot", str(last_year))] == (False, 7, None)


def test_a_refresh_rewrites_only_what_changed(inst_a: Institution, tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    metrics = _metrics(tree, [])
    monkeypatch.setattr(registry, "METRICS", metrics)
    first = timezone.make_aware(datetime(2026, 1, 1, 3))
    later = first + timedelta(hours=1)
    with in_schema(inst_a):
        unit_facts_publish(institution=inst_a, year=YEAR, now=first)
    metrics["x.units"] = Metric("单位", lambda *, year: [UnitFigure(tree.b1.pk, 1, 1)], of_people=False)
    with in_schema(inst_a):
        unit_facts_publish(institution=inst_a, year=YEAR, now=later)
    with in_schema("public"):
        rows = UnitFact.objects.filter(institution=inst_a)
        stamps = {(r.metric, r.unit_path): r.computed_at for r in rows}
    assert stamps[("x.people", tree.root.path)] == first  # unchanged: not rewritten
    assert stamps[("x.units", tree.college.path)] == later  # 1/2 became 1/1
    assert ("x.units", tree.b2.path) not in stamps  # no figure any more: gone
    assert facts_of(inst_a, tree.college)[("x.units", "2025")] == (False, 1, 1)


def test_other_years_are_left_alone(inst_a: Institution, tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "METRICS", _metrics(tree, []))
    with in_schema(inst_a):
        unit_facts_publish(institution=inst_a, year=2024)
        unit_facts_publish(institution=inst_a, year=YEAR)
        unit_facts_publish(institution=inst_a, year=YEAR)
    with in_schema("public"):
        periods = set(UnitFact.objects.filter(institution=inst_a).values_list("period", flat=True))
    assert {"2024", "2024-01", "2025", "2025-02"} <= periods
