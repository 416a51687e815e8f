"""The scoring engine: one indicator system's tree, the evidence one branch provided and the
metrics computed for it, in; every item's score with where each point came from, the total, the
grade and the standardized-branch (标准化支部) status, out. Pure: no database, exact decimals
(scores to a tenth of a point, halves rounded up).

Rules per item (``IndicatorNode.Rule``):
- per evidence: each evidence point provided earns its points, never above the item's points;
- deduction: full points less ``deduction`` per missing evidence point, the deductions stopping
  when the item's points are used up (扣满止);
- metric threshold: full points when the metric reaches ``threshold`` percent, none below;
- metric proportional: points × (percent / threshold), never above full points.
A metric with nothing due (denominator 0) is met. A veto item (一票否决) that falls short of its
full points drops the grade to the system's veto grade and caps the score at its veto cap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

TENTH = Decimal("0.1")
PER_EVIDENCE = "per_evidence"
DEDUCTION = "deduction"
METRIC_THRESHOLD = "metric_threshold"
METRIC_PROPORTIONAL = "metric_proportional"
METRIC_RULES = (METRIC_THRESHOLD, METRIC_PROPORTIONAL)


@dataclass(frozen=True)
class EvidenceSpec:
    key: int
    title: str
    points: Decimal = Decimal("0")


@dataclass(frozen=True)
class ItemSpec:
    key: int
    title: str
    points: Decimal
    rule: str
    evidence: tuple[EvidenceSpec, ...] = ()
    deduction: Decimal | None = None
    metric: str = ""
    metric_label: str = ""
    threshold: Decimal | None = None
    veto: bool = False


@dataclass(frozen=True)
class AreaSpec:
    key: int
    title: str
    points: Decimal
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True)
class SystemSpec:
    total_points: Decimal
    grades: tuple[tuple[str, Decimal], ...]  # highest minimum first
    veto_grade: str
    veto_cap: Decimal | None
    standardized_min: Decimal
    areas: tuple[AreaSpec, ...]


@dataclass(frozen=True)
class Figure:
    """A metric for one branch: ``numerator`` of ``denominator``; ``known`` False when the figure
    is not available (suppressed in the committee's facts)."""

    numerator: int
    denominator: int
    known: bool = True


@dataclass(frozen=True)
class Line:
    text: str
    points: Decimal  # signed: what this line adds to (or takes from) the item


@dataclass
class ItemResult:
    item: ItemSpec
    score: Decimal
    lines: list[Line] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return self.score >= self.item.points

    @property
    def vetoes(self) -> bool:
        return self.item.veto and not self.full


@dataclass
class AreaResult:
    area: AreaSpec
    items: list[ItemResult]

    @property
    def score(self) -> Decimal:
        return sum((i.score for i in self.items), Decimal("0"))


@dataclass
class Result:
    areas: list[AreaResult]
    raw_total: Decimal
    total: Decimal
    grade: str
    vetoed_by: list[str]
    standardized: bool
    maximum: Decimal

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoed_by)


def _tenth(value: Fraction | Decimal) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    return f"{value:.1f}"


def _score_evidence(item: ItemSpec, provided: set[int]) -> ItemResult:
    result = ItemResult(item, Decimal("0"))
    earned = Decimal("0")
    for piece in item.evidence:
        if piece.key in provided:
            earned += piece.points
            result.lines.append(Line(_("提供了“%(t)s”") % {"t": piece.title}, piece.points))
        else:
            result.lines.append(Line(_("缺少“%(t)s”") % {"t": piece.title}, Decimal("0")))
    result.score = min(earned, item.points)
    if earned > item.points:
        result.lines.append(Line(_("本项最高 %(p)s 分") % {"p": _fmt(item.points)}, item.points - earned))
    return result


def _score_deduction(item: ItemSpec, provided: set[int]) -> ItemResult:
    result = ItemResult(item, item.points, [Line(_("本项满分 %(p)s 分") % {"p": _fmt(item.points)}, item.points)])
    step = item.deduction or Decimal("0")
    left = item.points
    for piece in item.evidence:
        if piece.key in provided:
            result.lines.append(Line(_("提供了“%(t)s”") % {"t": piece.title}, Decimal("0")))
            continue
        taken = min(step, left)
        left -= taken
        if taken < step:
            text = _("缺少“%(t)s”，扣 %(d)s 分（本项分值已扣完，扣满为止）") % {"t": piece.title, "d": _fmt(taken)}
        else:
            text = _("缺少“%(t)s”，扣 %(d)s 分") % {"t": piece.title, "d": _fmt(taken)}
        result.lines.append(Line(text, -taken))
    result.score = left
    return result


def _score_metric(item: ItemSpec, figure: Figure | None) -> ItemResult:
    result = ItemResult(item, Decimal("0"))
    label = item.metric_label or item.metric
    threshold = item.threshold if item.threshold is not None else Decimal("100")
    if figure is None or not figure.known:
        why = _("无数据") if figure is None else _("人数过少，数据已隐去")
        result.lines.append(Line(_("指标“%(m)s”：%(why)s，不得分") % {"m": label, "why": why}, Decimal("0")))
        return result
    if figure.denominator == 0:
        result.score = item.points
        result.lines.append(Line(_("指标“%(m)s”：本年度无应完成事项，视为达标") % {"m": label}, item.points))
        return result
    ratio = Fraction(figure.numerator, figure.denominator) * 100  # percent, exact
    shown = _tenth(ratio)
    goal = Fraction(threshold)
    if item.rule == METRIC_THRESHOLD:
        result.score = item.points if ratio >= goal else Decimal("0")
    else:
        share = min(Fraction(1), ratio / goal) if goal else Fraction(1)
        result.score = min(item.points, _tenth(Fraction(item.points) * share))
    text = _("指标“%(m)s”：%(n)s/%(d)s = %(p)s%%，达标线 %(t)s%%") % {
        "m": label,
        "n": figure.numerator,
        "d": figure.denominator,
        "p": _fmt(shown),
        "t": _fmt(threshold),
    }
    result.lines.append(Line(text, result.score))
    return result


def score_item(item: ItemSpec, *, provided: set[int], figures: dict[str, Figure | None]) -> ItemResult:
    if item.rule == PER_EVIDENCE:
        return _score_evidence(item, provided)
    if item.rule == DEDUCTION:
        return _score_deduction(item, provided)
    return _score_metric(item, figures.get(item.metric))


def grade_for(total: Decimal, grades: tuple[tuple[str, Decimal], ...]) -> str:
    for label, minimum in grades:
        if total >= minimum:
            return label
    return grades[-1][0] if grades else ""


def score(system: SystemSpec, *, provided: set[int], figures: dict[str, Figure | None]) -> Result:
    """Score one branch. ``provided``: the keys of the evidence points it has documents or links
    for; ``figures``: metric name → its figure for the branch (missing: no data)."""
    areas = [
        AreaResult(area, [score_item(item, provided=provided, figures=figures) for item in area.items])
        for area in system.areas
    ]
    raw = sum((a.score for a in areas), Decimal("0"))
    vetoed_by = [i.item.title for a in areas for i in a.items if i.vetoes]
    total = raw
    grade = grade_for(total, system.grades)
    if vetoed_by:
        grade = system.veto_grade
        if system.veto_cap is not None:
            total = min(total, system.veto_cap)
    return Result(
        areas=areas,
        raw_total=raw,
        total=total,
        grade=grade,
        vetoed_by=vetoed_by,
        standardized=not vetoed_by and total >= system.standardized_min,
        maximum=system.total_points,
    )


def with_local(system: SystemSpec, local: SystemSpec | None) -> SystemSpec:
    """The committee's system with an institution's local items appended. The thresholds (grades,
    the standardized minimum, the veto cap) are the committee's, stated for its total: they scale
    with the larger maximum, so that a local item weighs what its points say and no more."""
    if local is None or not local.areas:
        return system
    total = system.total_points + local.total_points
    factor = Fraction(total) / Fraction(system.total_points) if system.total_points else Fraction(1)

    def scaled(value: Decimal) -> Decimal:
        return _tenth(Fraction(value) * factor)

    return SystemSpec(
        total_points=total,
        grades=tuple((label, scaled(minimum)) for label, minimum in system.grades),
        veto_grade=system.veto_grade,
        veto_cap=scaled(system.veto_cap) if system.veto_cap is not None else None,
        standardized_min=scaled(system.standardized_min),
        areas=system.areas + local.areas,
    )
