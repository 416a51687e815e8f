"""The amount from the rule set: inclusive upper bounds, the retiree table, the flat categories,
the rounding mode as a rule value, and an institution's override taking effect."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.dues.calculation import MissingBase, Tariff, explain, monthly_amount
from services.rule_overrides.models import RuleOverride

from .conftest import Branch

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 1)


@pytest.mark.parametrize(
    ("category", "base", "expected"),
    [
        ("employed", "3000.00", "15.00"),  # exactly on the bound: 0.5 %, not 1 %
        ("employed", "3000.01", "30.00"),
        ("employed", "5000.00", "50.00"),
        ("employed", "5000.01", "75.00"),
        ("employed", "10000.00", "150.00"),
        ("employed", "10000.01", "200.00"),
        ("annual_salary", "12000", "240.00"),
        ("self_employed", "2999.99", "15.00"),
        ("retiree", "5000.00", "25.00"),
        ("retiree", "5000.01", "50.00"),
        ("employed", "0", "0.00"),
        ("student", None, "0.20"),
        ("unemployed", None, "0.20"),
        ("relief", "8000", "0.20"),  # a flat category ignores any base
    ],
)
def test_brackets_have_inclusive_upper_bounds(branch: Branch, category: str, base: str | None, expected: str) -> None:
    amount = Tariff.on(DAY).amount(category, None if base is None else Decimal(base))
    assert amount.amount == Decimal(expected)
    assert isinstance(amount.amount, Decimal)


def test_the_basis_names_the_rule_and_article(branch: Branch) -> None:
    amount = monthly_amount(category="retiree", monthly_base=Decimal("6000"), on=DAY)
    assert amount.basis["rule"] == "dues.brackets"
    assert "2008" in amount.basis["citation"] and amount.basis["article"] == "第五条"
    assert amount.basis["percent"] == "1"
    assert "6000 元 × 1% = 60.00 元" in amount.explain()
    flat = monthly_amount(category="student", monthly_base=None, on=DAY)
    assert flat.basis["rule"] == "dues.student_monthly_yuan" and "0.20" in explain(flat.basis)


def test_a_percentage_category_needs_a_base(branch: Branch) -> None:
    with pytest.raises(MissingBase):
        Tariff.on(DAY).amount("employed", None)


def test_rounding_is_a_rule_value(branch: Branch) -> None:
    # 3333.33 × 1 % = 33.3333; 4999.50 × 1 % = 49.995: half up gives 50.00, down 49.99.
    assert Tariff.on(DAY).amount("employed", Decimal("4999.50")).amount == Decimal("50.00")
    RuleOverride.objects.create(key="dues.rounding", value="ROUND_DOWN", effective_from=DAY, reason="财务规定")
    tariff = Tariff.on(DAY)
    assert tariff.amount("employed", Decimal("4999.50")).amount == Decimal("49.99")
    assert tariff.amount("employed", Decimal("4999.50")).basis["rounding"] == "ROUND_DOWN"
    assert Tariff.on(date(2026, 10, 1)).amount("employed", Decimal("4999.50")).amount == Decimal("50.00")


def test_an_override_of_the_brackets_applies_from_its_date(branch: Branch) -> None:
    brackets = [
        {"category": "employed", "up_to": "4000", "percent": "0.5"},
        {"category": "employed", "up_to": None, "percent": "1"},
        {"category": "retiree", "up_to": None, "percent": "0.5"},
    ]
    RuleOverride.objects.create(key="dues.brackets", value=brackets, effective_from=DAY, reason="试行")
    assert Tariff.on(DAY).amount("employed", Decimal("4000")).amount == Decimal("20.00")
    assert Tariff.on(date(2026, 10, 1)).amount("employed", Decimal("4000")).amount == Decimal("40.00")


def test_a_rounding_mode_outside_the_list_is_refused() -> None:
    from services.rules.specs import value_problems

    assert value_problems(key="dues.rounding", value="ROUND_HALF_EVEN", title="舍入", unit="") == []
    (problem,) = value_problems(key="dues.rounding", value="ROUND_CEILING", title="舍入", unit="")
    assert "ROUND_HALF_UP" in problem
