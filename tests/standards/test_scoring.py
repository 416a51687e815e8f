"""The scoring engine (services/standards/scoring.py): points per evidence, deductions that stop
when an item's points are used up, metric thresholds and proportions in exact decimals, vetoes,
grade thresholds and the standardized-branch status."""

from __future__ import annotations

from decimal import Decimal as D

from services.standards import scoring
from services.standards.scoring import AreaSpec, EvidenceSpec, Figure, ItemSpec, SystemSpec

GRADES = (("好", D(90)), ("较好", D(80)), ("一般", D(60)), ("差", D(0)))
E1, E2, E3 = EvidenceSpec(1, "会议记录", D(2)), EvidenceSpec(2, "签到表", D(2)), EvidenceSpec(3, "照片", D(1))


def _system(*items: ItemSpec, veto_cap: D | None = None, total: D | None = None) -> SystemSpec:
    points = sum((i.points for i in items), D(0))
    return SystemSpec(
        total_points=total or points,
        grades=GRADES,
        veto_grade="差",
        veto_cap=veto_cap,
        standardized_min=D(90),
        areas=(AreaSpec(100, "组织建设", points, items),),
    )


def test_points_per_evidence_add_up_and_say_where_they_came_from() -> None:
    item = ItemSpec(10, "三会一课", D(5), scoring.PER_EVIDENCE, (E1, E2, E3))
    result = scoring.score_item(item, provided={1, 3}, figures={})
    assert result.score == D("3")
    assert [line.points for line in result.lines] == [D(2), D(0), D(1)]
    assert "缺少“签到表”" in result.lines[1].text


def test_deductions_stop_when_the_items_points_are_used_up() -> None:
    item = ItemSpec(10, "组织生活", D("3"), scoring.DEDUCTION, (E1, E2, E3), deduction=D("1.5"))
    assert scoring.score_item(item, provided={1, 2, 3}, figures={}).score == D(3)
    assert scoring.score_item(item, provided={1, 2}, figures={}).score == D("1.5")
    result = scoring.score_item(item, provided=set(), figures={})
    assert result.score == D(0)  # 3 × 1.5 = 4.5 would be deducted; it stops at 3
    taken = [line.points for line in result.lines[1:]]
    assert taken == [D("-1.5"), D("-1.5"), D(0)]
    assert "扣满为止" in result.lines[-1].text


def test_metric_threshold_gives_full_points_at_the_threshold_and_none_below() -> None:
    item = ItemSpec(10, "学时", D(4), scoring.METRIC_THRESHOLD, metric="study.hours_met", threshold=D(90))
    assert scoring.score_item(item, provided=set(), figures={"study.hours_met": Figure(9, 10)}).score == D(4)
    below = scoring.score_item(item, provided=set(), figures={"study.hours_met": Figure(89, 100)})
    assert below.score == D(0)
    assert "89/100 = 89.0%" in below.lines[0].text


def test_metric_proportional_is_exact_to_a_tenth_rounding_half_up() -> None:
    item = ItemSpec(10, "参考率", D(5), scoring.METRIC_PROPORTIONAL, metric="m", threshold=D(80))
    # 2/3 = 66.666…% of an 80 % goal → 5 × 0.8333… = 4.1666… → 4.2
    assert scoring.score_item(item, provided=set(), figures={"m": Figure(2, 3)}).score == D("4.2")
    # 1/4 = 25 % → 5 × 25/80 = 1.5625 → 1.6 (half up, never a binary float's 1.56249…)
    assert scoring.score_item(item, provided=set(), figures={"m": Figure(1, 4)}).score == D("1.6")
    assert scoring.score_item(item, provided=set(), figures={"m": Figure(9, 10)}).score == D(5)  # capped


def test_a_metric_with_nothing_due_is_met_and_one_without_data_scores_nothing() -> None:
    item = ItemSpec(10, "学时", D(4), scoring.METRIC_THRESHOLD, metric="m", threshold=D(100))
    assert scoring.score_item(item, provided=set(), figures={"m": Figure(0, 0)}).score == D(4)
    assert scoring.score_item(item, provided=set(), figures={}).score == D(0)
    hidden = scoring.score_item(item, provided=set(), figures={"m": Figure(0, 0, known=False)})
    assert hidden.score == D(0) and "隐去" in hidden.lines[0].text


def test_grades_follow_the_thresholds() -> None:
    assert scoring.grade_for(D(90), GRADES) == "好"
    assert scoring.grade_for(D("89.9"), GRADES) == "较好"
    assert scoring.grade_for(D(60), GRADES) == "一般"
    assert scoring.grade_for(D("59.9"), GRADES) == "差"


def test_a_failed_veto_item_drops_the_grade_and_caps_the_score() -> None:
    veto = ItemSpec(11, "按期换届", D(10), scoring.PER_EVIDENCE, (EvidenceSpec(4, "换届批复", D(10)),), veto=True)
    rest = ItemSpec(12, "三会一课", D(90), scoring.PER_EVIDENCE, (EvidenceSpec(5, "记录", D(90)),))
    system = _system(veto, rest, veto_cap=D(59))
    passed = scoring.score(system, provided={4, 5}, figures={})
    assert (passed.total, passed.grade, passed.standardized, passed.vetoed) == (D(100), "好", True, False)
    failed = scoring.score(system, provided={5}, figures={})
    assert failed.raw_total == D(90)
    assert (failed.total, failed.grade, failed.standardized) == (D(59), "差", False)
    assert failed.vetoed_by == ["按期换届"]


def test_standardized_needs_the_minimum_score() -> None:
    item = ItemSpec(12, "三会一课", D(100), scoring.PER_EVIDENCE, (EvidenceSpec(5, "记录", D("89.9")), E3))
    result = scoring.score(_system(item, total=D(100)), provided={5}, figures={})
    assert result.total == D("89.9") and not result.standardized and result.grade == "较好"
