"""The organization's warnings and terms read the rule set and say which rule produced them."""

from __future__ import annotations

from datetime import date

from services.organization.models import OrgUnit
from services.organization.offices import term_set
from services.organization.services import org_unit_create
from services.organization.warnings import BRANCH_TOO_SMALL, org_tree_warnings
from services.rule_overrides.models import RuleOverride
from tenants.models import Institution


def test_a_warning_carries_its_rule_and_citation(in_a: Institution) -> None:
    branch = org_unit_create(name="空支部", kind=OrgUnit.Kind.BRANCH)
    (warning,) = [w for w in org_tree_warnings() if w.unit_id == branch.pk and w.code == BRANCH_TOO_SMALL]
    assert warning.rule == "branch.min_full_members"
    assert "支部工作条例" in warning.citation


def test_an_override_changes_the_warning_threshold(in_a: Institution) -> None:
    branch = org_unit_create(name="空支部", kind=OrgUnit.Kind.BRANCH)
    RuleOverride.objects.create(key="branch.min_full_members", value=0, effective_from=date(2020, 1, 1), reason="试点")
    assert not [w for w in org_tree_warnings() if w.unit_id == branch.pk and w.code == BRANCH_TOO_SMALL]


def test_a_term_lasts_the_years_of_the_rule_in_force_on_its_start(in_a: Institution) -> None:
    branch = org_unit_create(name="支部", kind=OrgUnit.Kind.BRANCH)
    RuleOverride.objects.create(key="term.branch_years", value=2, effective_from=date(2025, 1, 1), reason="试点")
    assert term_set(unit=branch, started_on=date(2024, 6, 1), acting_user=None).ends_on == date(2027, 6, 1)
    assert term_set(unit=branch, started_on=date(2025, 6, 1), acting_user=None).ends_on == date(2027, 6, 1)
