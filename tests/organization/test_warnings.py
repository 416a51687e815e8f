from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services.members.models import Member
from services.organization.models import OrgUnit, Position, Term
from services.organization.services import org_unit_create
from services.organization.warnings import (
    BRANCH_TOO_LARGE,
    BRANCH_TOO_SMALL,
    COMMITTEE_MISSING,
    RULE_DEFAULTS,
    TERM_ENDING,
    TERM_EXPIRED,
    org_tree_warnings,
)
from tenants.models import Institution
from tests.factories import MemberFactory


@pytest.fixture
def branch(in_a: Institution) -> OrgUnit:
    committee = org_unit_create(name="中共甲大学委员会", kind=OrgUnit.Kind.COMMITTEE)
    return org_unit_create(name="测试党支部", kind=OrgUnit.Kind.BRANCH, parent=committee)


def _codes(unit: OrgUnit) -> set[str]:
    return {w.code for w in org_tree_warnings() if w.unit_id == unit.pk}


def _full_members(branch: OrgUnit, n: int) -> list[Member]:
    return MemberFactory.create_batch(n, branch=branch, status=Member.Status.NORMAL)


def _committee(branch: OrgUnit, members: list[Member], kinds: list[str], **dates: date) -> None:
    for member, kind in zip(members, kinds, strict=False):
        Position.objects.create(member=member, unit=branch, kind=kind, started_on=date(2024, 1, 1), **dates)


def test_the_defaults_are_the_numbers_of_domain_section_2(in_a: Institution) -> None:
    assert RULE_DEFAULTS["org.branch.min_full_members"] == 3
    assert RULE_DEFAULTS["org.branch.committee_from_full_members"] == 7
    assert RULE_DEFAULTS["org.branch.max_members"] == 50


@pytest.mark.parametrize(("full", "warned"), [(2, True), (3, False)])
def test_a_branch_needs_three_full_members(branch: OrgUnit, full: int, warned: bool) -> None:
    _full_members(branch, full)
    MemberFactory(branch=branch, status=Member.Status.PROBATIONARY)  # not a full member
    assert (BRANCH_TOO_SMALL in _codes(branch)) is warned


@pytest.mark.parametrize(("full", "warned"), [(6, False), (7, True)])
def test_seven_full_members_without_a_committee_is_warned(branch: OrgUnit, full: int, warned: bool) -> None:
    _full_members(branch, full)
    assert (COMMITTEE_MISSING in _codes(branch)) is warned


@pytest.mark.parametrize(("positions", "warned"), [(2, True), (3, False)])
def test_a_committee_is_three_current_committee_positions(branch: OrgUnit, positions: int, warned: bool) -> None:
    members = _full_members(branch, 7)
    kinds = [Position.Kind.SECRETARY, Position.Kind.ORGANIZATION, Position.Kind.PROPAGANDA][:positions]
    _committee(branch, members, kinds)
    assert (COMMITTEE_MISSING in _codes(branch)) is warned


def test_ended_positions_are_no_committee(branch: OrgUnit) -> None:
    members = _full_members(branch, 7)
    kinds = [Position.Kind.SECRETARY, Position.Kind.ORGANIZATION, Position.Kind.PROPAGANDA]
    _committee(branch, members, kinds, ended_on=timezone.localdate() - timedelta(days=1))
    assert COMMITTEE_MISSING in _codes(branch)


@pytest.mark.parametrize(("size", "warned"), [(50, False), (51, True)])
def test_a_branch_over_fifty_members_is_warned(branch: OrgUnit, size: int, warned: bool) -> None:
    _full_members(branch, size - 1)
    MemberFactory(branch=branch, status=Member.Status.PROBATIONARY)  # on the roll, counts
    MemberFactory(branch=branch, status=Member.Status.TRANSFERRED_OUT)  # left, does not count
    assert (BRANCH_TOO_LARGE in _codes(branch)) is warned


@pytest.mark.parametrize(("days_left", "code"), [(91, None), (90, TERM_ENDING), (0, TERM_ENDING), (-1, TERM_EXPIRED)])
def test_a_term_ending_within_ninety_days_or_expired_is_warned(
    branch: OrgUnit, days_left: int, code: str | None
) -> None:
    today = timezone.localdate()
    Term.objects.create(unit=branch, started_on=date(2020, 1, 1), ends_on=date(2021, 1, 1))  # an older term
    Term.objects.create(unit=branch, started_on=today - timedelta(days=700), ends_on=today + timedelta(days=days_left))
    codes = _codes(branch) & {TERM_ENDING, TERM_EXPIRED}
    assert codes == ({code} if code else set())


def test_an_expired_term_cites_the_term_length_and_an_ending_one_the_lead_time(branch: OrgUnit) -> None:
    """Each warning names the rule it reads: once a term is over the lead time decides nothing."""
    from services.rules.resolver import rule

    today = timezone.localdate()
    second = org_unit_create(name="测试学院党委", kind=OrgUnit.Kind.SECOND_LEVEL, parent=branch.parent)
    Term.objects.create(unit=branch, started_on=today - timedelta(days=1200), ends_on=today - timedelta(days=1))
    Term.objects.create(unit=second, started_on=today - timedelta(days=1800), ends_on=today + timedelta(days=10))
    warnings = {(w.unit_id, w.code): w for w in org_tree_warnings()}
    expired, ending = warnings[(branch.pk, TERM_EXPIRED)], warnings[(second.pk, TERM_ENDING)]
    assert expired.rule == "term.branch_years" and expired.citation == rule("term.branch_years").explanation
    assert ending.rule == "term.warning_days" and ending.citation == rule("term.warning_days").explanation


def test_a_closed_branch_is_not_warned(branch: OrgUnit) -> None:
    OrgUnit.objects.filter(pk=branch.pk).update(closed_on=date(2025, 1, 1))
    assert not [w for w in org_tree_warnings() if w.unit_id == branch.pk]


def test_warnings_cost_the_same_queries_whatever_the_tree(in_a: Institution) -> None:
    committee = org_unit_create(name="中共甲大学委员会", kind=OrgUnit.Kind.COMMITTEE)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            org_tree_warnings()
        return len(queries.captured_queries)

    org_unit_create(name="支部0", kind=OrgUnit.Kind.BRANCH, parent=committee)
    small = count_queries()
    for n in range(1, 6):
        unit = org_unit_create(name=f"支部{n}", kind=OrgUnit.Kind.BRANCH, parent=committee)
        MemberFactory.create_batch(n, branch=unit)
        Term.objects.create(unit=unit, started_on=date(2024, 1, 1), ends_on=date(2027, 1, 1))
    assert count_queries() == small == 3  # the tree, then the rule set (standard, overrides)
