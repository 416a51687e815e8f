"""Checks before publishing or importing an indicator system (services/standards/validation.py):
each problem says what and where, in Chinese."""

from __future__ import annotations

from decimal import Decimal as D

from services.standards.validation import NodeData, validate

GRADES = [["好", "90"], ["较好", "80"], ["一般", "60"], ["差", "0"]]


def _check(nodes: list[NodeData], **overrides: object) -> list[str]:
    kwargs: dict = {
        "total_points": D(10),
        "grades": GRADES,
        "veto_grade": "差",
        "veto_cap": None,
        "standardized_min": D(9),
    }
    kwargs.update(overrides)
    return [str(p) for p in validate(nodes, **kwargs)]


def _good() -> list[NodeData]:
    return [
        NodeData("a", None, "area", "组织建设", D(10)),
        NodeData("i1", "a", "item", "三会一课", D(6), rule="per_evidence"),
        NodeData("e1", "i1", "evidence", "记录", D(6)),
        NodeData("i2", "a", "item", "学时", D(4), rule="metric_threshold", metric="study.hours_met", threshold=D(90)),
    ]


def test_a_good_system_has_no_problem() -> None:
    assert _check(_good()) == []


def test_children_weights_that_do_not_add_up_say_where() -> None:
    nodes = _good()
    nodes[2] = NodeData("e1", "i1", "evidence", "记录", D(5))
    assert _check(nodes) == ["“组织建设” > “三会一课”：佐证材料分值之和为 5.0，应等于本项分值 6.0"]
    assert _check(_good(), total_points=D(20)) == ["指标体系：各考评部分分值之和为 10.0，应等于总分 20.0"]
    nodes = _good()
    nodes[3] = NodeData(
        "i2", "a", "item", "学时", D(3), rule="metric_threshold", metric="study.hours_met", threshold=D(90)
    )
    assert "“组织建设”：下属评分项分值之和为 9.0，应等于本部分分值 10.0" in _check(nodes)


def test_a_cycle_in_the_tree_is_named() -> None:
    nodes = [*_good(), NodeData("x", "y", "item", "甲", D(0)), NodeData("y", "x", "item", "乙", D(0))]
    problems = _check(nodes)
    assert any("甲" in p and "循环" in p for p in problems)
    assert any("乙" in p and "循环" in p for p in problems)


def test_a_rule_naming_an_unknown_metric_is_refused() -> None:
    nodes = _good()
    nodes[3] = NodeData("i2", "a", "item", "学时", D(4), rule="metric_threshold", metric="no.such", threshold=D(90))
    assert _check(nodes) == ["“组织建设” > “学时”：计分规则引用了不存在的指标“no.such”"]


def test_levels_rules_and_grades_are_checked() -> None:
    nodes = [*_good(), NodeData("e9", "a", "evidence", "放错", D(0))]
    assert "“组织建设” > “放错”：佐证材料应直接属于评分项" in _check(nodes)
    assert "等次线：“好”的最低分应高于“较好”（从高到低排列）" in _check(
        _good(), grades=[["好", "80"], ["较好", "90"], ["差", "0"]]
    )
    assert "否决后等次：“不合格”不是等次线中的等次" in _check(_good(), veto_grade="不合格")
    orphan = [*_good(), NodeData("i9", "zz", "item", "孤儿", D(0), rule="per_evidence")]
    assert any("上级指标“zz”不存在" in p for p in _check(orphan))


def test_a_count_metric_cannot_be_scored_against_a_threshold(monkeypatch) -> None:
    from services.metrics import registry

    metric = registry.Metric("支部数", lambda *, year: [], kind=registry.COUNT)
    monkeypatch.setitem(registry.METRICS, "x.count", metric)
    nodes = _good()
    nodes[3] = NodeData("i2", "a", "item", "学时", D(4), rule="metric_threshold", metric="x.count", threshold=D(90))
    assert _check(nodes) == ["“组织建设” > “学时”：指标“x.count”是计数而不是比率，不能按达标线计分"]
