"""Checks an indicator system before it is published or imported: the tree's shape (areas →
items → evidence points, no cycle), the points (children add up to their parent, areas to the
total), each item's rule (a known metric, a threshold, a deduction) and the grade thresholds.
Every problem says what is wrong and where, in Chinese; nothing is published while one remains.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from services.metrics import registry

from . import scoring

AREA, ITEM, EVIDENCE = "area", "item", "evidence"
PARENT_KIND = {AREA: None, ITEM: AREA, EVIDENCE: ITEM}
KIND_LABEL = {AREA: "考评部分", ITEM: "评分项", EVIDENCE: "佐证材料"}
RULES = (scoring.PER_EVIDENCE, scoring.DEDUCTION, *scoring.METRIC_RULES)


@dataclass(frozen=True)
class NodeData:
    key: int | str
    parent_key: int | str | None
    kind: str
    title: str
    points: Decimal = Decimal("0")
    rule: str = ""
    deduction: Decimal | None = None
    metric: str = ""
    threshold: Decimal | None = None
    veto: bool = False
    where: str = ""  # how the reader finds it ("第 5 行"); the title path when blank


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}：{self.message}" if self.where else self.message


class SystemInvalid(ValidationError):
    """Every problem found, each saying where; a service refusal like any other (services/kernel/web.py)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__([str(p) for p in self.problems])


def _pts(value: Decimal) -> str:
    return f"{value:.1f}"


def parse_grades(grades: object) -> tuple[list[tuple[str, Decimal]], list[Problem]]:
    """``[[label, minimum], ...]`` highest first, as stored on the system."""
    where = _("等次线")
    if not isinstance(grades, list) or not grades:
        return [], [Problem(where, _("至少要有一个等次"))]
    parsed: list[tuple[str, Decimal]] = []
    problems: list[Problem] = []
    for entry in grades:
        try:
            label, minimum = str(entry[0]).strip(), Decimal(str(entry[1]))
        except (IndexError, KeyError, TypeError, InvalidOperation):
            problems.append(Problem(where, _("“%(e)s”应为“等次:最低分”") % {"e": entry}))
            continue
        if not label:
            problems.append(Problem(where, _("等次名称不能为空")))
        parsed.append((label, minimum))
    for (a, low), (b, high) in zip(parsed[1:], parsed, strict=False):
        if low >= high:
            problems.append(Problem(where, _("“%(b)s”的最低分应高于“%(a)s”（从高到低排列）") % {"a": a, "b": b}))
    if parsed and parsed[-1][1] != 0:
        problems.append(Problem(where, _("最低的等次“%(g)s”应从 0 分起") % {"g": parsed[-1][0]}))
    return parsed, problems


def validate(
    nodes: Sequence[NodeData],
    *,
    total_points: Decimal,
    grades: object,
    veto_grade: str,
    veto_cap: Decimal | None,
    standardized_min: Decimal,
) -> list[Problem]:
    """Every problem of the system, in tree order; empty when it may be published."""
    by_key = {n.key: n for n in nodes}
    children: dict[int | str | None, list[NodeData]] = {}
    for node in nodes:
        children.setdefault(node.parent_key, []).append(node)

    def path(node: NodeData) -> str:
        if node.where:
            return node.where
        names: list[str] = []
        seen: set[int | str] = set()
        current: NodeData | None = node
        while current is not None and current.key not in seen:
            seen.add(current.key)
            names.append(f"“{current.title}”")
            current = by_key.get(current.parent_key) if current.parent_key is not None else None
        return " > ".join(reversed(names))

    problems: list[Problem] = []
    cyclic = _cycles(nodes, by_key)
    for node in nodes:
        if node.key in cyclic:
            problems.append(Problem(path(node), _("上级指标形成了循环（指标不能是自己的下级）")))
    for node in nodes:
        problems += _check_node(node, by_key, children.get(node.key, []), path, cyclic)
    areas = [n for n in children.get(None, []) if n.kind == AREA]
    if not areas:
        problems.append(Problem(_("指标体系"), _("至少要有一个考评部分")))
    else:
        area_sum = sum((a.points for a in areas), Decimal("0"))
        if area_sum != total_points:
            problems.append(
                Problem(
                    _("指标体系"),
                    _("各考评部分分值之和为 %(s)s，应等于总分 %(t)s") % {"s": _pts(area_sum), "t": _pts(total_points)},
                )
            )
    parsed, grade_problems = parse_grades(grades)
    problems += grade_problems
    if parsed and veto_grade not in {label for label, _m in parsed}:
        problems.append(Problem(_("否决后等次"), _("“%(g)s”不是等次线中的等次") % {"g": veto_grade}))
    if veto_cap is not None and veto_cap > total_points:
        problems.append(Problem(_("否决后最高得分"), _("不能高于总分 %(t)s") % {"t": _pts(total_points)}))
    if standardized_min > total_points:
        problems.append(Problem(_("标准化支部最低得分"), _("不能高于总分 %(t)s") % {"t": _pts(total_points)}))
    return problems


def _cycles(nodes: Sequence[NodeData], by_key: dict[int | str, NodeData]) -> set[int | str]:
    cyclic: set[int | str] = set()
    for node in nodes:
        seen: list[int | str] = []
        current: NodeData | None = node
        while current is not None and current.parent_key is not None:
            if current.key in seen:
                cyclic.update(seen[seen.index(current.key) :])
                break
            seen.append(current.key)
            current = by_key.get(current.parent_key)
    return cyclic


def _check_node(
    node: NodeData,
    by_key: dict[int | str, NodeData],
    kids: list[NodeData],
    path: Callable[[NodeData], str],
    cyclic: set[int | str],
) -> list[Problem]:
    where = path(node)
    problems: list[Problem] = []
    if not node.title.strip():
        problems.append(Problem(where, _("名称不能为空")))
    if node.points < 0:
        problems.append(Problem(where, _("分值不能为负数")))
    if node.kind not in PARENT_KIND:
        return [*problems, Problem(where, _("层级“%(k)s”不认识") % {"k": node.kind})]
    parent = by_key.get(node.parent_key) if node.parent_key is not None else None
    if node.parent_key is not None and parent is None:
        problems.append(Problem(where, _("上级指标“%(p)s”不存在") % {"p": node.parent_key}))
    elif node.key not in cyclic and (parent.kind if parent else None) != PARENT_KIND[node.kind]:
        want = PARENT_KIND[node.kind]
        problems.append(
            Problem(
                where,
                _("%(k)s应直接属于%(p)s") % {"k": KIND_LABEL[node.kind], "p": KIND_LABEL[want]}
                if want
                else _("考评部分不能有上级指标"),
            )
        )
    if node.kind == AREA and node.key not in cyclic:
        items = [k for k in kids if k.kind == ITEM]
        if not items:
            problems.append(Problem(where, _("至少要有一个评分项")))
        else:
            s = sum((i.points for i in items), Decimal("0"))
            if s != node.points:
                problems.append(
                    Problem(
                        where,
                        _("下属评分项分值之和为 %(s)s，应等于本部分分值 %(p)s")
                        % {"s": _pts(s), "p": _pts(node.points)},
                    )
                )
    if node.kind == ITEM:
        problems += _check_rule(node, [k for k in kids if k.kind == EVIDENCE], where)
    return problems


def _check_rule(node: NodeData, evidence: list[NodeData], where: str) -> list[Problem]:
    problems: list[Problem] = []
    if node.rule not in RULES:
        return [Problem(where, _("请选择计分规则"))]
    if node.rule == scoring.PER_EVIDENCE:
        if not evidence:
            problems.append(Problem(where, _("按材料计分的评分项至少要有一项佐证材料")))
        else:
            s = sum((e.points for e in evidence), Decimal("0"))
            if s != node.points:
                problems.append(
                    Problem(
                        where,
                        _("佐证材料分值之和为 %(s)s，应等于本项分值 %(p)s") % {"s": _pts(s), "p": _pts(node.points)},
                    )
                )
    elif node.rule == scoring.DEDUCTION:
        if not evidence:
            problems.append(Problem(where, _("缺项扣分的评分项至少要有一项佐证材料")))
        if not node.deduction or node.deduction <= 0:
            problems.append(Problem(where, _("请填写每缺一项扣多少分")))
    else:
        if not node.metric:
            problems.append(Problem(where, _("请选择自动指标")))
        elif node.metric not in registry.METRICS:
            problems.append(Problem(where, _("计分规则引用了不存在的指标“%(m)s”") % {"m": node.metric}))
        elif registry.METRICS[node.metric].kind != registry.RATE:
            problems.append(Problem(where, _("指标“%(m)s”是计数而不是比率，不能按达标线计分") % {"m": node.metric}))
        if node.threshold is None or not (0 < node.threshold <= 100):
            problems.append(Problem(where, _("达标线应在 0 到 100（%%）之间")))
    return problems
