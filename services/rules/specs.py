"""The declared type and allowed range of every rule of the standard set (docs/domain.md#rule-sets).

An institution's override must be a value of its rule's kind within its range: a whole number of
months between 1 and 24 for ``abroad.contact_months``, not 10^30. The checks run on every
override (``services.rule_overrides.services.rule_override_set``, for the rules page and the API
alike), with Chinese messages that name the rule and the range, so that a value the deadlines and
reminders cannot compute with never enters the rule set.

Every key seeded into the standard set has a spec here, and every standard value satisfies its
own (tests/rules/test_specs.py checks both): a capability that seeds a new rule declares it here
in the same change.

Kinds: ``integer`` (a JSON number without a fraction), ``money`` (yuan as a decimal string, at
most two decimals: "0.20"), ``fraction`` (a string "a/b"), ``brackets`` (the dues table),
``choice`` (one of the spec's strings: the dues rounding mode).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

INTEGER, MONEY, FRACTION, BRACKETS, CHOICE = "integer", "money", "fraction", "brackets", "choice"

# How far ahead an override may take effect: a rule decided for the coming academic year, not
# for a date no deadline will ever reach.
MAX_DAYS_AHEAD = 366


@dataclass(frozen=True)
class Spec:
    kind: str
    low: Any = None  # inclusive (int, Decimal or Fraction); None for brackets
    high: Any = None  # inclusive, except for a fraction (strictly below)
    choices: tuple[str, ...] = ()  # the allowed values of a choice


def _whole(low: int, high: int) -> Spec:
    return Spec(INTEGER, low, high)


SPECS: dict[str, Spec] = {
    # Organization (docs/domain.md#organization).
    "branch.min_full_members": _whole(1, 50),
    "branch.committee_threshold": _whole(1, 100),
    "branch.committee_min_positions": _whole(1, 10),
    "branch.max_members": _whole(1, 1000),
    "party_group.min_members": _whole(1, 50),
    "term.branch_years": _whole(1, 10),
    "term.second_level_years": _whole(1, 10),
    "term.committee_years": _whole(1, 10),
    "term.warning_days": _whole(0, 730),
    # Development (docs/domain.md#development).
    "development.min_age": _whole(16, 40),
    "development.application_talk_months": _whole(1, 12),
    "development.contact_persons_min": _whole(1, 5),
    "development.contact_persons_max": _whole(1, 5),
    "development.activist_assessment_months": _whole(1, 24),
    "development.activist_min_months": _whole(1, 60),
    "development.sponsors": _whole(1, 5),
    "development.training_min_days": _whole(1, 60),
    "development.training_min_hours": _whole(1, 500),
    "development.publicity_working_days": _whole(1, 60),
    "development.approval_months": _whole(1, 12),
    "development.approval_max_months": _whole(1, 24),
    "probation.months": _whole(1, 36),
    "probation.extension_min_months": _whole(1, 24),
    "probation.extension_max_months": _whole(1, 24),
    "probation.extension_max_times": _whole(0, 3),
    # Branch member meetings: "more than half" may be raised (2/3), never lowered below half.
    "votes.quorum_fraction": Spec(FRACTION, Fraction(1, 2), Fraction(1)),
    "votes.majority_fraction": Spec(FRACTION, Fraction(1, 2), Fraction(1)),
    # Organizational life (docs/domain.md#organizational-life), study (#study).
    "meetings.member_meeting_months": _whole(1, 24),
    "meetings.committee_meeting_months": _whole(1, 24),
    "meetings.group_meeting_months": _whole(1, 24),
    "meetings.lecture_months": _whole(1, 24),
    "meetings.theme_day_months": _whole(1, 24),
    "meetings.life_meeting_months": _whole(1, 24),
    "meetings.appraisal_months": _whole(1, 24),
    "meetings.minutes_finalize_days": _whole(1, 90),
    "study.member_hours": _whole(0, 1000),
    "study.cadre_hours": _whole(0, 1000),
    # Ideological reports (docs/domain.md#study): one every N months before probation, N during it.
    "thought_reports.interval_months": _whole(1, 12),
    "thought_reports.probation_reports": _whole(1, 12),
    "thought_reports.review_days": _whole(1, 365),
    "study.class_minutes": _whole(30, 60),
    # Study rankings are off unless an institution turns them on (services/study/hours.py).
    "study.rankings": Spec(CHOICE, choices=("off", "on")),
    # Dues (docs/domain.md#dues).
    "dues.brackets": Spec(BRACKETS),
    "dues.student_monthly_yuan": Spec(MONEY, Decimal("0.01"), Decimal("100")),
    "dues.max_arrears_months": _whole(1, 24),
    "dues.voluntary_remit_yuan": Spec(MONEY, Decimal("1"), Decimal("1000000")),
    # How an amount is rounded to the fen (Python's decimal rounding modes; services/dues/calculation.py).
    "dues.rounding": Spec(CHOICE, choices=("ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_DOWN", "ROUND_UP")),
    # Surveys (docs/domain.md#surveys): results hide counts under it; never under 3.
    "surveys.small_cell": _whole(3, 100),
    # Transfers, mobility, reminders, audit (docs/domain.md#transfers, #reminders).
    "transfer.letter_validity_days": _whole(1, 365),
    "retained.max_years": _whole(1, 10),
    "abroad.contact_months": _whole(1, 24),
    "reminders.lead_days": _whole(0, 365),
    "audit.retention_days": _whole(180, 3650),  # never under six months (《网络安全法》第二十一条)
}

UNIT_WORDS = {"times": "次"}  # units the standard set names without a Unit label


def _money(value: Any) -> Decimal | None:
    if not isinstance(value, str):
        return None
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        return None
    exponent = amount.normalize().as_tuple().exponent if amount.is_finite() else None
    if not isinstance(exponent, int) or exponent < -2:  # not a number, or finer than a fen
        return None
    return amount


def _fraction(value: Any) -> Fraction | None:
    if not isinstance(value, str) or "/" not in value:
        return None
    try:
        return Fraction(value.strip())
    except (ValueError, ZeroDivisionError):
        return None


def _bracket_problems(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        return [_("应为 JSON 列表，每项含 category（employed 或 retiree）、up_to（元，最后一档为 null）和 percent。")]
    tops: dict[str, list[Decimal | None]] = {}  # per category, the upper bounds in order
    for row in value:
        if not isinstance(row, dict) or row.get("category") not in ("employed", "retiree"):
            return [_("每一档须写明 category：employed（在职）或 retiree（离退休）。")]
        percent = _money(row.get("percent"))
        if percent is None or not Decimal(0) < percent <= Decimal(100):
            return [_('每一档的 percent 应为 0 到 100 之间的数字（字符串，如 "0.5"）。')]
        top = row.get("up_to")
        amount = None if top is None else _money(top)
        if top is not None and (amount is None or amount <= 0):
            return [_('每一档的 up_to 应为正的金额（字符串，如 "3000"），最后一档为 null。')]
        tops.setdefault(row["category"], []).append(amount)
    for category, bounds in tops.items():
        upper = [bound for bound in bounds[:-1] if bound is not None]
        if bounds[-1] is not None or len(upper) != len(bounds) - 1 or upper != sorted(set(upper)):
            return [_("%(category)s 的各档应按 up_to 从小到大排列，最后一档 up_to 为 null。") % {"category": category}]
    return []


def value_problems(*, key: str, value: Any, title: str, unit: str) -> list[str]:
    """Why ``value`` cannot be the value of rule ``key`` (empty when it can). A key without a
    spec accepts nothing: its range was never declared."""
    spec = SPECS.get(key)
    if spec is None:
        return [_("规则“%(title)s”没有声明取值范围，不能调整。") % {"title": title}]
    if spec.kind == BRACKETS:
        return _bracket_problems(value)
    if spec.kind == CHOICE:
        if value in spec.choices:
            return []
        return [_("“%(title)s”应为以下之一：%(choices)s。") % {"title": title, "choices": "、".join(spec.choices)}]
    if spec.kind == INTEGER:
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if number is None or not spec.low <= number <= spec.high:
            return [
                _("“%(title)s”应为 %(low)s 到 %(high)s 之间的整数（单位：%(unit)s）。")
                % {"title": title, "low": spec.low, "high": spec.high, "unit": unit}
            ]
        return []
    if spec.kind == MONEY:
        amount = _money(value)
        if amount is None or not spec.low <= amount <= spec.high:
            return [
                _('“%(title)s”应为 %(low)s 到 %(high)s 元之间的金额，最多两位小数，写作字符串（如 "0.20"）。')
                % {"title": title, "low": spec.low, "high": spec.high}
            ]
        return []
    fraction = _fraction(value)
    if fraction is None or not spec.low <= fraction < spec.high:
        return [
            _('“%(title)s”应为不小于 %(low)s、小于 %(high)s 的分数，写作“分子/分母”（如 "2/3"）。')
            % {"title": title, "low": spec.low, "high": spec.high}
        ]
    return []


def effective_problems(*, effective_from: date, earliest: date, today: date) -> list[str]:
    """An override takes effect no earlier than its rule's first standard version (before it there
    is no rule to override) and at most a year ahead."""
    latest = today + timedelta(days=MAX_DAYS_AHEAD)
    if earliest <= effective_from <= latest:
        return []
    return [
        _("生效日期应在 %(earliest)s 至 %(latest)s 之间（该规则的标准自 %(earliest)s 起施行；最多提前一年调整）。")
        % {"earliest": earliest.isoformat(), "latest": latest.isoformat()}
    ]
