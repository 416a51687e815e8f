"""What a member pays a month, from the rule set (docs/dues.md "The amount", the 2008 regulation).

Brackets are ``dues.brackets``: per category, rows of (inclusive upper bound, percent), the last
row open-ended. A base of exactly 3000.00 pays 0.5 %, 3000.01 pays 1 %. Students, the unemployed and
people on relief pay ``dues.student_monthly_yuan``. Annual-salary earners and the self-employed use
the employed brackets on their own base (第三、四条). The product is rounded to the fen with the
mode ``dues.rounding`` names. Arithmetic is ``Decimal`` throughout.

``Tariff`` reads the three rules once for a date, so that opening a month for 20,000 members
computes every bill without another query; ``Amount.basis`` says which rule and article produced
the amount, and is stored on the bill.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from services.rules.resolver import RuleValue, rules_for

from .models import FLAT_CATEGORIES, Category

RULE_KEYS = ("dues.brackets", "dues.student_monthly_yuan", "dues.rounding")
FEN = Decimal("0.01")
HUNDRED = Decimal(100)

# The article of the 2008 regulation for each category (article numbers as commonly quoted).
ARTICLES = {
    Category.EMPLOYED: "第一、二条",
    Category.ANNUAL_SALARY: "第三条",
    Category.SELF_EMPLOYED: "第四条",
    Category.RETIREE: "第五条",
    Category.STUDENT: "第六条",
    Category.UNEMPLOYED: "第六条",
    Category.RELIEF: "第六条",
}
# Whose brackets a category uses.
BRACKETS_OF = {
    Category.EMPLOYED: "employed",
    Category.ANNUAL_SALARY: "employed",
    Category.SELF_EMPLOYED: "employed",
    Category.RETIREE: "retiree",
}


class MissingBase(ValueError):
    """A category paid by percentage has no base: nothing can be computed."""


@dataclass(frozen=True)
class Amount:
    amount: Decimal
    basis: dict[str, Any]

    def explain(self) -> str:
        """``月基数 4200.00 元 × 1% = 42.00 元（…第一、二条）`` in the reader's language."""
        return explain(self.basis)


def explain(basis: dict[str, Any]) -> str:
    """How a bill's amount was computed, from its stored ``basis``."""
    if not basis:
        return ""
    citation = f"{basis.get('citation', '')} {basis.get('article', '')}".strip()
    if basis.get("percent") is None:
        return _("每月固定 %(amount)s 元（%(citation)s）") % {"amount": basis["amount"], "citation": citation}
    return _("月交纳基数 %(base)s 元 × %(percent)s%% = %(amount)s 元（%(citation)s）") % {
        "base": basis["base"],
        "percent": basis["percent"],
        "amount": basis["amount"],
        "citation": citation,
    }


@dataclass(frozen=True)
class Bracket:
    up_to: Decimal | None  # inclusive; None for the last
    percent: Decimal


class Tariff:
    """The dues rules in force on one date, ready to compute many amounts."""

    def __init__(self, rules: dict[str, RuleValue]) -> None:
        self.rules = rules
        self.brackets: dict[str, list[Bracket]] = {}
        for row in rules["dues.brackets"].value:
            top = row.get("up_to")
            bracket = Bracket(None if top is None else Decimal(str(top)), Decimal(str(row["percent"])))
            self.brackets.setdefault(row["category"], []).append(bracket)
        self.flat = Decimal(str(rules["dues.student_monthly_yuan"].value))
        self.rounding = getattr(decimal, str(rules["dues.rounding"].value))

    @classmethod
    def on(cls, day: date) -> Tariff:
        return cls(rules_for(RULE_KEYS, on=day))

    def percent_for(self, category: str, base: Decimal) -> Decimal:
        for bracket in self.brackets[BRACKETS_OF[Category(category)]]:
            if bracket.up_to is None or base <= bracket.up_to:
                return bracket.percent
        raise ValueError(f"no bracket for {category} {base}")  # the spec keeps the last bound open

    def amount(self, category: str, base: Decimal | None) -> Amount:
        """The monthly amount for ``category`` and ``base``; ``MissingBase`` when one is needed."""
        article = ARTICLES[Category(category)]
        if category in FLAT_CATEGORIES:
            rule = self.rules["dues.student_monthly_yuan"]
            return Amount(
                self.flat,
                {
                    "category": category,
                    "base": None,
                    "percent": None,
                    "amount": str(self.flat),
                    "rule": rule.key,
                    "citation": rule.citation,
                    "article": article,
                },
            )
        if base is None:
            raise MissingBase(category)
        percent = self.percent_for(category, base)
        amount = (base * percent / HUNDRED).quantize(FEN, rounding=self.rounding)
        rule = self.rules["dues.brackets"]
        return Amount(
            amount,
            {
                "category": category,
                "base": str(base),
                "percent": str(percent),
                "amount": str(amount),
                "rule": rule.key,
                "citation": rule.citation,
                "article": article,
                "rounding": self.rules["dues.rounding"].value,
            },
        )


def monthly_amount(*, category: str, monthly_base: Decimal | None, on: date) -> Amount:
    """One member's amount for the month that starts on ``on`` (reads the rules: two queries)."""
    return Tariff.on(on).amount(category, monthly_base)
