"""Each metric of the registry against real records (services/*/figures.py): small fixtures in
institution A under a committee of their own, read back from the public facts at the units the
fixtures built. Past years (2025) where a figure depends on periods being over."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from services.crypto import blind_index
from services.development.models import Dossier, DossierStep
from services.documents.models import Document, Receipt
from services.members.models import Member
from services.organization.models import OrgUnit, Position, Term
from services.orglife.compliance import BRANCH_KINDS, KIND_RULES
from services.orglife.models import Meeting
from services.oversight.facts import unit_facts_publish
from services.rule_overrides.models import RuleOverride
from services.rules.resolver import rule
from services.thought_reports.models import Note, Report
from tenants.models import Institution
from tests.conftest import in_schema
from tests.dues.ledger_helpers import bill, months, pay
from tests.factories import MemberFactory, _national_id

from .helpers import Tree, at, facts_of, make_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(inst_a: Institution) -> Tree:
    with in_schema(inst_a):
        return make_tree()


def _publish(institution: Institution, year: int) -> None:
    with in_schema(institution):
        unit_facts_publish(institution=institution, year=year)


def test_meetings_held_per_kind_per_year_and_per_month(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        for month in (1, 2):
            starts = at(2025, month, 10)
            Meeting.objects.create(
                unit=tree.b1,
                kind=Meeting.Kind.THEME_DAY,
                topic="主题党日",
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
            )
        cancelled = at(2025, 3, 10)
        Meeting.objects.create(
            unit=tree.b1,
            kind=Meeting.Kind.THEME_DAY,
            topic="取消",
            starts_at=cancelled,
            ends_at=cancelled + timedelta(hours=1),
            status=Meeting.Status.CANCELLED,
        )
        every = {kind: rule(KIND_RULES[kind], on=date(2025, 1, 1)).number for kind in BRANCH_KINDS}
    _publish(inst_a, 2025)
    theme = every[Meeting.Kind.THEME_DAY]
    b1, college = facts_of(inst_a, tree.b1), facts_of(inst_a, tree.college)
    assert b1[("orglife.held.theme_day", "2025")] == (False, 2, 12 // theme)
    required = sum(12 // months for months in every.values())  # no party groups: no group meetings
    assert b1[("orglife.held", "2025")] == (False, 2, required)
    assert college[("orglife.held", "2025")] == (False, 2, 2 * required)

    def ending_in(month: int) -> int:
        return sum(1 for months in every.values() if month % months == 0)

    root = facts_of(inst_a, tree.root)  # three branches: enough periods not to be suppressed
    assert root[("orglife.held", "2025-01")] == (False, 1, 3 * ending_in(1))
    assert root[("orglife.held", "2025-03")] == (False, 0, 3 * ending_in(3))  # cancelled: not held
    assert ("orglife.held.theme_day", "2025-01") not in college  # kinds are yearly only


def test_dues_collected_counts_member_months_settled(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        month = months(2025, 3, 3)[3]
        for branch, paid in ((tree.b1, 2), (tree.b2, 3)):
            for i in range(3):
                member = MemberFactory(branch=branch)
                bill(member, month)
                if i < paid:
                    pay(member, month)
    _publish(inst_a, 2025)
    college = facts_of(inst_a, tree.college)
    assert college[("dues.collected", "2025")] == (False, 5, 6)
    assert college[("dues.collected", "2025-03")] == (False, 5, 6)
    assert facts_of(inst_a, tree.b1)[("dues.collected", "2025")] == (True, None, None)  # 3 member-months


def _dossier(branch: OrgUnit, *, talk_on: date) -> Dossier:
    number = _national_id()
    dossier = Dossier.objects.create(
        name="申请人",
        gender="male",
        birth_date=date(2000, 1, 1),
        national_id=number,
        national_id_index=blind_index(number),
        category="student",
        branch=branch,
        applied_on=date(2025, 1, 10),
        activist_on=date(2025, 4, 1),
        stage=Dossier.Stage.ACTIVIST,
    )
    DossierStep.objects.create(
        dossier=dossier, code="talk", title="谈话", occurred_on=talk_on, review=DossierStep.Review.APPROVED
    )
    return dossier


def test_development_moves_that_kept_every_guard(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        _dossier(tree.b1, talk_on=date(2025, 1, 20))
        _dossier(tree.b1, talk_on=date(2025, 3, 1))  # the talk came late: a guard failed
        for _ in range(3):
            _dossier(tree.b2, talk_on=date(2025, 1, 15))
    _publish(inst_a, 2025)
    assert facts_of(inst_a, tree.college)[("development.rules_kept", "2025")] == (False, 4, 5)


def test_a_move_kept_only_by_an_overridden_rule_does_not_count(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        RuleOverride.objects.create(
            key="development.application_talk_months", value=3, effective_from=date(2024, 1, 1), reason="本校规定"
        )
        for _ in range(5):
            _dossier(tree.b1, talk_on=date(2025, 3, 1))
    _publish(inst_a, 2025)
    assert facts_of(inst_a, tree.college)[("development.rules_kept", "2025")] == (False, 0, 5)


def test_committee_in_place_and_branch_size_count_branches(inst_a: Institution, tree: Tree) -> None:
    """b1 and b2 have 7 full members; only b2 has a committee; b3 has two members (too small)."""
    with in_schema(inst_a):
        for branch in (tree.b1, tree.b2):
            members = [MemberFactory(branch=branch) for _ in range(7)]
        kinds = (Position.Kind.SECRETARY, Position.Kind.ORGANIZATION, Position.Kind.PROPAGANDA)
        for member, kind in zip(members[:3], kinds, strict=True):
            Position.objects.create(member=member, unit=tree.b2, kind=kind, started_on=date(2024, 1, 1))
        for _ in range(5):
            MemberFactory(branch=tree.b1, status=Member.Status.PROBATIONARY)
        MemberFactory(branch=tree.b3)
        MemberFactory(branch=tree.b3, status=Member.Status.TRANSFERRED_OUT)
        MemberFactory(branch=tree.b3)
    this_year = timezone.localdate().year
    _publish(inst_a, this_year)
    year = str(this_year)
    college, root = facts_of(inst_a, tree.college), facts_of(inst_a, tree.root)
    assert facts_of(inst_a, tree.b1)[("organization.committee_in_place", year)] == (False, 0, 1)
    assert college[("organization.committee_in_place", year)] == (False, 1, 2)
    assert ("organization.committee_in_place", year) not in facts_of(inst_a, tree.b3)  # under 7
    assert root[("organization.size_ok", year)] == (False, 2, 3)
    assert root[("organization.branches", year)] == (False, 3, None)
    assert root[("members.on_roll", year)] == (False, 21, None)
    assert root[("members.probationary", year)] == (False, 5, None)
    assert facts_of(inst_a, tree.b3)[("members.on_roll", year)] == (True, None, None)


def test_terms_renewed_on_time(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        Term.objects.create(unit=tree.b1, started_on=date(2022, 3, 1), ends_on=date(2025, 3, 1))
        Term.objects.create(unit=tree.b1, started_on=date(2025, 3, 1), ends_on=date(2028, 3, 1))
        Term.objects.create(unit=tree.b2, started_on=date(2022, 5, 1), ends_on=date(2025, 5, 1))
        Term.objects.create(unit=tree.college, started_on=date(2020, 6, 1), ends_on=date(2025, 6, 1))
        Term.objects.create(unit=tree.college, started_on=date(2025, 9, 1), ends_on=date(2030, 9, 1))  # late
    _publish(inst_a, 2025)
    assert facts_of(inst_a, tree.b1)[("organization.terms_on_time", "2025")] == (False, 1, 1)
    assert facts_of(inst_a, tree.college)[("organization.terms_on_time", "2025")] == (False, 1, 3)


def _report(
    monkeypatch: pytest.MonkeyPatch, branch: OrgUnit, submitted_day: int, decision: str | None, after_days: int
) -> None:
    submitted = at(2025, 3, submitted_day)
    report = Report.objects.create(
        member=MemberFactory(branch=branch),
        branch=branch,
        author_name="作者",
        status=Report.Status.BRANCH,
        first_submitted_at=submitted,
        submitted_at=submitted,
    )
    if decision is not None:
        # Notes are append-only in the database: written "then" rather than moved afterwards.
        with monkeypatch.context() as clock:
            clock.setattr(timezone, "now", lambda: submitted + timedelta(days=after_days))
            Note.objects.create(report=report, kind=decision, text="")


def test_reports_reviewed_on_time(inst_a: Institution, tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    with in_schema(inst_a):
        days = rule("thought_reports.review_days").number
        _report(monkeypatch, tree.b1, 1, Note.Kind.ACCEPTED, days - 1)
        _report(monkeypatch, tree.b1, 2, Note.Kind.RETURNED, 1)
        _report(monkeypatch, tree.b1, 3, Note.Kind.PASSED, days + 5)  # late
        _report(monkeypatch, tree.b1, 4, None, 0)  # never reviewed: late
        _report(monkeypatch, tree.b1, 5, Note.Kind.ANNOTATION, 1)  # an annotation decides nothing: late
    _publish(inst_a, 2025)
    assert facts_of(inst_a, tree.b1)[("thought_reports.reviewed_on_time", "2025")] == (False, 2, 5)


def test_notices_signed_overall_and_per_notice(inst_a: Institution, tree: Tree) -> None:
    with in_schema("public"):
        notice = Document.objects.create(kind=Document.Kind.NOTICE, title="通知", requires_signoff=True)
        Document.objects.create(kind=Document.Kind.NOTICE, title="不需签收", requires_signoff=False)
    with in_schema(inst_a):
        signers = [MemberFactory(branch=tree.b1) for _ in range(5)]
        for _ in range(5):
            MemberFactory(branch=tree.b2)
        for member in signers[:3]:
            Receipt.objects.create(public_document_id=notice.pk, member=member)
    this_year = timezone.localdate().year
    _publish(inst_a, this_year)
    college = facts_of(inst_a, tree.college)
    assert college[("documents.notices_signed", str(this_year))] == (False, 3, 10)
    assert college[(f"documents.signed:{notice.pk}", str(this_year))] == (False, 3, 10)
    assert facts_of(inst_a, tree.b1)[(f"documents.signed:{notice.pk}", str(this_year))] == (False, 3, 5)


def test_the_collection_by_month_is_the_collection_of_each_month(inst_a: Institution, tree: Tree) -> None:
    """One statement for the year's months gives what the collection page reads month by month."""
    from services.dues.selectors import collection, collection_by_month

    with in_schema(inst_a):
        got = months(2025, 1, 3)
        for i in range(4):
            member = MemberFactory(branch=tree.b1 if i % 2 else tree.b2)
            for number, month in got.items():
                bill(member, month)
                if (i + number) % 3:
                    pay(member, month, "4.00" if i == 3 else "10.00")
        by_month = collection_by_month(year=2025)
        assert sorted(by_month) == [1, 2, 3]
        for number in (1, 2, 3):
            key = lambda row: row.unit_id  # noqa: E731
            assert sorted(by_month[number], key=key) == sorted(collection(year=2025, month=number), key=key)
