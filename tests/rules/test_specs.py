"""Every rule declares its type and range, and an override outside them is refused — through the
service, the API and the page (issue 9, reproduction 11: ``abroad.contact_months`` = 10^30,
effective 0001-01-01 or 9999-12-31, were accepted and then broke the reminder scan)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from services.accounts.models import User
from services.rule_overrides.models import RuleOverride
from services.rule_overrides.services import rule_override_set
from services.rules.models import StandardRule
from services.rules.specs import SPECS, value_problems
from tenants.models import Institution
from tests.conftest import client_for, in_schema

DAY = date(2026, 1, 1)
HUGE = 10**30


def test_every_standard_rule_declares_a_range_that_its_own_value_satisfies(db: None) -> None:
    standards = list(StandardRule.objects.all())
    assert {rule.key for rule in standards} == set(SPECS)
    for rule in standards:
        assert value_problems(key=rule.key, value=rule.value, title=rule.title, unit="") == [], rule.key


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("abroad.contact_months", HUGE, "应为 1 到 24 之间的整数（单位：个月）"),
        ("abroad.contact_months", 0, "应为 1 到 24 之间的整数"),
        ("abroad.contact_months", 25, "应为 1 到 24 之间的整数"),
        ("abroad.contact_months", 6.5, "应为 1 到 24 之间的整数"),
        ("audit.retention_days", 30, "应为 180 到 3650 之间的整数"),
        ("votes.majority_fraction", "1/3", "应为不小于 1/2、小于 1 的分数"),
        ("votes.quorum_fraction", "3/2", "应为不小于 1/2、小于 1 的分数"),
        ("votes.quorum_fraction", "过半", "分数"),
        ("dues.student_monthly_yuan", "0.001", "最多两位小数"),
        ("dues.student_monthly_yuan", "-1", "元之间的金额"),
        ("dues.brackets", [{"category": "employed", "up_to": "3000", "percent": "0.5"}], "最后一档 up_to 为 null"),
        ("dues.brackets", [{"category": "student", "up_to": None, "percent": "1"}], "category"),
        ("dues.brackets", [{"category": "employed", "up_to": None, "percent": "200"}], "percent"),
    ],
)
def test_a_value_outside_its_rules_range_is_refused_naming_the_rule(
    in_a: Institution, admin: User, key: str, value: Any, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        rule_override_set(key=key, value=value, effective_from=DAY, reason="测试", acting_user=admin)
    assert words in refused.value.message_dict["value"][0]
    assert not RuleOverride.objects.exists()


@pytest.mark.parametrize("effective_from", [date(1, 1, 1), date(1999, 12, 31), date(9999, 12, 31), "next year + 1"])
def test_an_effective_date_outside_the_rules_life_is_refused(
    in_a: Institution, admin: User, effective_from: Any
) -> None:
    if effective_from == "next year + 1":
        effective_from = timezone.localdate() + timedelta(days=367)
    with pytest.raises(ValidationError) as refused:
        rule_override_set(
            key="abroad.contact_months", value=3, effective_from=effective_from, reason="测试", acting_user=admin
        )
    assert "生效日期应在 2000-01-01 至" in refused.value.message_dict["effective_from"][0]
    assert not RuleOverride.objects.exists()


def test_the_edges_of_a_range_are_accepted(in_a: Institution, admin: User) -> None:
    last = timezone.localdate() + timedelta(days=366)
    for value, day in ((1, date(2000, 1, 1)), (24, last)):
        rule_override_set(
            key="abroad.contact_months", value=value, effective_from=day, reason="测试", acting_user=admin
        )
    rule_override_set(key="votes.majority_fraction", value="2/3", effective_from=DAY, reason="测试", acting_user=admin)
    rule_override_set(
        key="dues.student_monthly_yuan", value="0.50", effective_from=DAY, reason="测试", acting_user=admin
    )
    assert RuleOverride.objects.count() == 4


def test_the_api_refuses_the_absurd_override_in_chinese(inst_a: Institution, admin: User) -> None:
    client = client_for(inst_a, admin)
    # 10**30 does not get past the API's JSON parser (beyond a 64-bit integer); one that does is
    # refused by the rule's range.
    payload = {"key": "abroad.contact_months", "value": 2**62, "effective_from": "0001-01-01", "reason": "测试"}
    response = client.post("/api/rules/overrides/", json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    body = json.dumps(response.json(), ensure_ascii=False)
    assert "出国（境）党员联系间隔”应为 1 到 24 之间的整数" in body and "生效日期应在 2000-01-01 至" in body
    late = {**payload, "value": 6, "effective_from": "9999-12-31"}
    response = client.post("/api/rules/overrides/", json.dumps(late), content_type="application/json")
    assert response.status_code == 400 and "生效日期应在" in json.dumps(response.json(), ensure_ascii=False)
    with in_schema(inst_a):
        assert not RuleOverride.objects.exists()


def test_the_page_refuses_the_absurd_override_in_chinese(inst_a: Institution, admin: User) -> None:
    response = client_for(inst_a, admin).post(
        "/rules/",
        {"key": "abroad.contact_months", "value": str(HUGE), "effective_from": "0001-01-01", "reason": "测试"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "应为 1 到 24 之间的整数" in body and "生效日期应在 2000-01-01 至" in body
    with in_schema(inst_a):
        assert not RuleOverride.objects.exists()
