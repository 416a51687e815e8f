"""How a rule reads to its users: its title and its citation, in the reader's language — never its
key. ``入党积极分子考察间隔（《中国共产党发展党员工作细则》(2014) 第十一条）``.

Every page, message and stored text that names a rule goes through here (``RuleValue.explanation``
and the ``rule_title`` / ``rule_citation`` / ``rule_explanation`` template filters of
``templatetags/rules_display.py``). Keys are for code, the API and administrators' override form.

A rule is a ``RuleValue`` or a mapping with the same fields (what a vote recorded as the rules it
applied). Titles and citations of the standard set are stored in Chinese and translated through
the catalogue of ``texts.py``; an institution's reason is its own words and is shown as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from .models import StandardRule
from .resolver import INSTITUTION

# Units seeded by later migrations than the model's choices (a vote's share is a bare fraction,
# "1/2"; extensions are counted): their labels, so no code ever shows as a unit.
MORE_UNITS = {"fraction": "", "times": gettext_lazy("次")}
# Who a dues bracket is for (``dues.brackets``).
BRACKET_CATEGORIES = {"employed": gettext_lazy("在职党员"), "retiree": gettext_lazy("离退休党员")}
# The values of a choice rule in words (``dues.rounding``, ``study.rankings``).
CHOICE_LABELS = {
    "off": gettext_lazy("不排名"),
    "on": gettext_lazy("按学时排名"),
    "ROUND_HALF_UP": gettext_lazy("四舍五入"),
    "ROUND_HALF_EVEN": gettext_lazy("四舍六入五成双"),
    "ROUND_DOWN": gettext_lazy("舍去（不足一分不收）"),
    "ROUND_UP": gettext_lazy("进位（不足一分按一分）"),
}


def _field(rule: Any, name: str) -> str:
    value = rule.get(name, "") if isinstance(rule, Mapping) else getattr(rule, name, "")
    return str(value or "")


def _translated(text: str) -> str:
    return gettext(text) if text else ""  # gettext("") is the catalogue's header


def rule_title(rule: Any) -> str:
    """The rule's name: ``积极分子考察间隔``."""
    return _translated(_field(rule, "title"))


def rule_unit(rule: Any) -> str:
    """The unit after the value: ``个月``, ``个工作日``; nothing for a fraction."""
    unit = _field(rule, "unit")
    if unit in StandardRule.Unit.values:
        return str(StandardRule.Unit(unit).label)
    return str(MORE_UNITS.get(unit, ""))


def rule_source(rule: Any) -> str:
    """Whose version of the rule it is: the city's standard or the institution's adjustment."""
    return gettext("本校调整") if _field(rule, "source") == INSTITUTION else gettext("全市标准")


def rule_value(rule: Any) -> str:
    """The value with its unit, as a reader says it: ``6 个月``, ``1/2``, and the dues brackets as
    sentences rather than their JSON."""
    value = rule.get("value") if isinstance(rule, Mapping) else getattr(rule, "value", None)
    brackets = _brackets(value)
    if brackets is not None:
        return brackets
    if isinstance(value, str) and value in CHOICE_LABELS:
        return str(CHOICE_LABELS[value])
    unit = rule_unit(rule)
    return f"{value} {unit}" if unit else str(value)


def _brackets(value: Any) -> str | None:
    """``[{"category": "employed", "up_to": "3000", "percent": "0.5"}, …]`` in words, or None."""
    shape = {"category", "up_to", "percent"}
    if not isinstance(value, list) or not all(isinstance(row, dict) and shape <= row.keys() for row in value):
        return None
    groups: dict[str, list[str]] = {}
    previous: dict[str, Any] = {}  # each bracket starts where its category's previous one ended
    for row in value:
        category = str(row["category"])
        numbers = {"low": previous.get(category), "up": row["up_to"], "percent": row["percent"]}
        if row["up_to"] is None:
            text = gettext("月工资 %(low)s 元以上交 %(percent)s%%") % numbers
        elif numbers["low"] is None:
            text = gettext("月工资 %(up)s 元及以下交 %(percent)s%%") % numbers
        else:
            text = gettext("月工资 %(low)s–%(up)s 元交 %(percent)s%%") % numbers
        groups.setdefault(category, []).append(text)
        previous[category] = row["up_to"]
    return gettext("；").join(
        gettext("%(who)s：%(brackets)s")
        % {"who": BRACKET_CATEGORIES.get(category, category), "brackets": gettext("，").join(lines)}
        for category, lines in groups.items()
    )


def rule_citation(rule: Any) -> str:
    """Where the rule comes from: the regulation and article, or the institution's reason with the
    standard's citation after it."""
    citation = _translated(_field(rule, "citation"))
    if _field(rule, "source") == INSTITUTION:
        reason = _field(rule, "reason")
        if reason:
            return gettext("本校调整：%(reason)s；标准依据：%(citation)s") % {"reason": reason, "citation": citation}
        return gettext("本校调整；标准依据：%(citation)s") % {"citation": citation}
    return citation


def rule_explanation(rule: Any) -> str:
    """The title and the citation together, as a deadline, a warning or a guard shows its origin."""
    return gettext("%(title)s（%(citation)s）") % {"title": rule_title(rule), "citation": rule_citation(rule)}


def recorded_explanation(rule: Any) -> str:
    """The explanation as a record stores it (a letter's validity, printed on the letter): in the
    institution's language, whichever language the user who wrote the record reads."""
    with translation.override(settings.LANGUAGE_CODE):
        return rule_explanation(rule)
