"""The facts capabilities publish for oversight (services/oversight/facts.py): each source's figure
per branch reaches the public schema under the unit's path of ids, without a name; a denominator
below the small count is suppressed; publishing again replaces the year's rows."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import models

from services.kernel.figures import UnitFigure
from services.metrics import registry
from services.metrics.registry import Metric
from services.oversight.facts import unit_facts_publish
from services.oversight.models import UnitFact
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


def test_each_source_publishes_per_branch_and_small_counts_are_suppressed(
    inst_a: Institution, monkeypatch: pytest.MonkeyPatch
) -> None:
    with in_schema(inst_a.schema_name):
        big, small = OrgUnitFactory(name="大支部"), OrgUnitFactory(name="小支部")
    asked: list[int] = []

    def hours_met(*, year: int) -> list[UnitFigure]:
        asked.append(year)
        return [UnitFigure(big.pk, 7, 10), UnitFigure(small.pk, 1, 3), UnitFigure(10**9, 1, 9)]

    monkeypatch.setattr(registry, "METRICS", {"study.hours_met": Metric("学时", hours_met)})
    with in_schema(inst_a.schema_name):
        assert unit_facts_publish(institution=inst_a, year=2026) == 2  # a unit that is gone is skipped
        assert unit_facts_publish(institution=inst_a, year=2026) == 2  # replaced, not added
    assert asked == [2026, 2026]
    with in_schema("public"):
        rows = {row.unit_path: row for row in UnitFact.objects.filter(institution=inst_a)}
        assert set(rows) == {big.path, small.path}
        assert rows[big.path].depth == big.path.count(".")
        mine = rows[big.path]
        assert (mine.metric, mine.period, mine.numerator, mine.denominator, mine.percent) == (
            "study.hours_met",
            "2026",
            7,
            10,
            70,
        )
        few = rows[small.path]
        assert few.suppressed and few.numerator is None and few.denominator is None and few.percent is None
        text = [f.name for f in UnitFact._meta.get_fields() if isinstance(f, models.CharField)]
        assert sorted(text) == ["metric", "period", "unit_kind", "unit_path"]
        assert all(set(row.unit_path) <= set("0123456789.") for row in rows.values())
        assert "支部" not in str([row.__dict__ for row in rows.values()])


def test_the_figures_job_publishes_the_facts(inst_a: Institution, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.oversight.services import figures_publish

    with in_schema(inst_a.schema_name):
        unit = OrgUnitFactory(name="支部")
    monkeypatch.setattr(
        registry, "METRICS", {"exams.took_part": Metric("参考", lambda *, year: [UnitFigure(unit.pk, 5, 6)])}
    )
    with in_schema(inst_a.schema_name):
        figures_publish(institution=inst_a)
    this_year = date.today().year
    with in_schema("public"):
        rows = UnitFact.objects.filter(institution=inst_a).order_by("period")
        # The nightly run: this year and last year (the figure above answers for both).
        assert list(rows.values_list("period", "metric", "numerator", "denominator")) == [
            (str(this_year - 1), "exams.took_part", 5, 6),
            (str(this_year), "exams.took_part", 5, 6),
        ]


def test_the_real_sources_publish_a_branch_that_studied_nothing(inst_a: Institution) -> None:
    """Every source the job knows runs on a real institution; a branch of five members who have
    studied nothing this year is published as 0 of 5 for study."""
    from tests.factories import MemberFactory

    with in_schema(inst_a.schema_name):
        branch = OrgUnitFactory(name="学习支部")
        for i in range(5):
            MemberFactory(branch=branch, name=f"学员{i}")
        unit_facts_publish(institution=inst_a, year=date.today().year)
    with in_schema("public"):
        rows = UnitFact.objects.filter(institution=inst_a, unit_path=branch.path)
        assert {(r.metric, r.numerator, r.denominator) for r in rows if r.metric == "study.hours_met"} == {
            ("study.hours_met", 0, 5)
        }
        assert set(rows.values_list("metric", flat=True)) <= set(registry.METRICS)
