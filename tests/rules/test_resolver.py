from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.rule_overrides.models import RuleOverride
from services.rules.models import StandardRule
from services.rules.resolver import INSTITUTION, STANDARD, rule, rules_for, rules_in_force
from tenants.models import Institution
from tests.conftest import in_schema

DAY = date(2026, 3, 1)


def _override(value: object, on: date, reason: str = "本校党委会议决定") -> RuleOverride:
    return RuleOverride.objects.create(key="branch.max_members", value=value, effective_from=on, reason=reason)


def test_without_override_the_standard_rule_applies_with_its_citation(in_a: Institution) -> None:
    found = rule("branch.min_full_members", on=DAY)
    assert (found.value, found.unit, found.source) == (3, "members", STANDARD)
    assert "支部工作条例" in found.citation and found.reason == ""


def test_an_override_in_force_beats_the_standard(in_a: Institution) -> None:
    _override(40, date(2026, 1, 1))
    found = rule("branch.max_members", on=DAY)
    assert (found.value, found.source, found.reason) == (40, INSTITUTION, "本校党委会议决定")
    assert found.citation  # the standard's citation stays visible next to the reason


def test_an_override_applies_from_exactly_its_effective_date(in_a: Institution) -> None:
    _override(40, DAY)
    assert rule("branch.max_members", on=date(2026, 2, 28)).value == 50
    assert rule("branch.max_members", on=DAY).value == 40


def test_an_override_in_the_future_does_not_apply_yet(in_a: Institution) -> None:
    _override(40, date(2099, 1, 1))
    assert rule("branch.max_members").value == 50
    assert rule("branch.max_members").source == STANDARD


def test_the_latest_override_in_force_wins(in_a: Institution) -> None:
    _override(40, date(2025, 1, 1))
    _override(45, date(2026, 1, 1))
    _override(30, date(2027, 1, 1))
    assert rule("branch.max_members", on=date(2025, 6, 1)).value == 40
    assert rule("branch.max_members", on=DAY).value == 45
    assert rule("branch.max_members", on=date(2027, 1, 1)).value == 30


def test_a_newer_standard_version_applies_from_its_date(in_a: Institution) -> None:
    StandardRule.objects.create(
        key="term.branch_years", value=4, unit="years", effective_from=DAY, citation="新条例", title="任期"
    )
    assert rule("term.branch_years", on=date(2026, 2, 28)).value == 3
    newer = rule("term.branch_years", on=DAY)
    assert (newer.value, newer.citation, newer.effective_from) == (4, "新条例", DAY)


def test_an_unknown_key_is_a_key_error_naming_it(in_a: Institution) -> None:
    with pytest.raises(KeyError, match=r"no\.such\.rule"):
        rule("no.such.rule")


def test_the_public_schema_has_no_overrides(inst_a: Institution) -> None:
    with in_schema(inst_a):
        _override(40, date(2020, 1, 1))
    assert connection.schema_name == "public"
    assert rule("branch.max_members").value == 50


def test_rules_in_force_costs_two_queries(in_a: Institution) -> None:
    _override(40, date(2020, 1, 1))  # also sets the schema's search path before counting
    with CaptureQueriesContext(connection) as queries:
        everything = rules_in_force(on=DAY)
    assert len(queries.captured_queries) == 2
    by_key = {item.key: item for item in everything}
    assert by_key["branch.max_members"].value == 40
    assert by_key["branch.min_full_members"].value == 3


def test_several_keys_resolve_in_two_queries(in_a: Institution) -> None:
    rule("branch.max_members")  # the schema's search path is set by the first query
    with CaptureQueriesContext(connection) as queries:
        found = rules_for(["branch.max_members", "term.warning_days", "probation.months"], on=DAY)
    assert len(queries.captured_queries) == 2
    assert found["term.warning_days"].value == 90
