"""Each source at its boundaries: the lead day, the due day, one day either side."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from services.members import reminders as sources
from services.members.models import Member, MemberChange, TimeAbroad
from services.organization import reminders as organization_sources
from services.organization.models import Position, Term
from services.reminders.registry import Due
from services.rule_overrides.models import RuleOverride
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory
from tests.members.helpers import build_tree
from tests.reminders.helpers import TODAY, person

LEAD = 30  # reminders.lead_days in the standard set


def _due(source: object, *, member: Member | None = None, unit_id: int | None = None) -> list[Due]:
    items = list(source(TODAY))  # type: ignore[operator]
    if member is not None:
        return [d for d in items if d.member_id == member.pk]
    return [d for d in items if f":{unit_id}:" in d.key]


def _probationary(branch: object, joined_on: date) -> Member:
    return MemberFactory(branch=branch, status=Member.Status.PROBATIONARY, joined_on=joined_on)


# --- probation ending -------------------------------------------------------------------------


def test_probation_ending_exactly_at_the_lead_day_is_listed_and_one_day_later_is_not(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        at_lead = _probationary(tree.branch_x, TODAY + timedelta(days=LEAD) - relativedelta(months=12))
        past_lead = _probationary(tree.branch_x, TODAY + timedelta(days=LEAD + 1) - relativedelta(months=12))
        [due] = _due(sources.probation_ending, member=at_lead)
        assert due.due_on == TODAY + timedelta(days=LEAD)
        assert _due(sources.probation_ending, member=past_lead) == []


def test_probation_ended_yesterday_is_listed_overdue_with_its_rule_and_citation(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        member = _probationary(tree.branch_x, TODAY - timedelta(days=1) - relativedelta(months=12))
        [due] = _due(sources.probation_ending, member=member)
        assert due.due_on < TODAY
        assert due.rule_key == "probation.months"
        assert due.citation.startswith("预备期（") and "《中国共产党章程》" in due.citation
        assert "probation.months" not in due.citation  # the key is for code; users read the title
        assert due.url == f"/members/{member.pk}/"


def test_full_members_get_no_probation_reminder(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        member = MemberFactory(branch=tree.branch_x, status=Member.Status.NORMAL, joined_on=TODAY - timedelta(days=400))
        assert _due(sources.probation_ending, member=member) == []


def test_probation_length_is_the_rule_in_force_on_the_joining_date(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        joined = TODAY - relativedelta(months=12)
        member = _probationary(tree.branch_x, joined)
        # An override that starts after the member joined does not change their probation.
        RuleOverride.objects.create(
            key="probation.months", value=6, effective_from=joined + timedelta(days=1), reason="测试"
        )
        [due] = _due(sources.probation_ending, member=member)
        assert due.due_on == TODAY
        # One that was in force on the joining date does, and says it is the institution's.
        RuleOverride.objects.create(key="probation.months", value=11, effective_from=joined, reason="本校试点")
        [due] = _due(sources.probation_ending, member=member)
        assert due.due_on == joined + relativedelta(months=11)
        assert "本校试点" in due.citation


def test_probation_reminder_goes_to_the_member_and_the_branch_managers(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        secretary, _ = person(tree.branch_x, "sec_x", Position.Kind.SECRETARY)
        propaganda, _ = person(tree.branch_x, "prop_x", Position.Kind.PROPAGANDA)
        other, _ = person(tree.branch_z, "sec_z", Position.Kind.SECRETARY)
        member_user, member = person(
            tree.branch_x, "prob_x", status=Member.Status.PROBATIONARY, joined_on=TODAY - relativedelta(months=12)
        )
        [due] = _due(sources.probation_ending, member=member)
        assert set(due.recipient_ids) == {secretary.pk, member_user.pk}
        assert propaganda.pk not in due.recipient_ids and other.pk not in due.recipient_ids


# --- committee terms --------------------------------------------------------------------------


def test_term_ending_exactly_at_the_warning_day_is_listed_and_one_day_later_is_not(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        Term.objects.create(unit=tree.branch_x, started_on=date(2023, 1, 1), ends_on=TODAY + timedelta(days=90))
        Term.objects.create(unit=tree.branch_y, started_on=date(2023, 1, 1), ends_on=TODAY + timedelta(days=91))
        [due] = _due(organization_sources.term_ending, unit_id=tree.branch_x.pk)
        assert due.rule_key == "term.warning_days"
        assert _due(organization_sources.term_ending, unit_id=tree.branch_y.pk) == []


def test_only_the_current_term_counts_and_an_expired_one_is_overdue(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        secretary, _ = person(tree.branch_x, "sec_x", Position.Kind.SECRETARY)
        Term.objects.create(unit=tree.branch_x, started_on=date(2020, 1, 1), ends_on=date(2023, 1, 1))
        Term.objects.create(unit=tree.branch_y, started_on=date(2020, 1, 1), ends_on=TODAY - timedelta(days=1))
        # X renewed its committee: the old term is history.
        Term.objects.create(unit=tree.branch_x, started_on=date(2023, 1, 1), ends_on=date(2026, 12, 31))
        assert _due(organization_sources.term_ending, unit_id=tree.branch_x.pk) == []
        [due] = _due(organization_sources.term_ending, unit_id=tree.branch_y.pk)
        assert due.due_on < TODAY
        assert secretary.pk not in due.recipient_ids  # Y is not X's secretary's branch


# --- members abroad ---------------------------------------------------------------------------


def _abroad(branch: object, last_contact: date | None, **fields: object) -> Member:
    member = MemberFactory(branch=branch, status=Member.Status.ABROAD)
    TimeAbroad.objects.create(
        member=member,
        country="英国",
        purpose="留学",
        left_on=fields.pop("left_on", date(2024, 9, 1)),
        last_contact_on=last_contact,
        **fields,
    )
    return member


def test_abroad_contact_exactly_six_months_ago_is_due_today_and_one_day_more_is_overdue(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        exactly = _abroad(tree.branch_x, TODAY - relativedelta(months=6))
        one_more = _abroad(tree.branch_x, TODAY - relativedelta(months=6) - timedelta(days=1))
        [due] = _due(sources.abroad_contact, member=exactly)
        assert due.due_on == TODAY  # due, not yet overdue
        assert due.rule_key == "abroad.contact_months"
        [late] = _due(sources.abroad_contact, member=one_more)
        assert late.due_on == TODAY - timedelta(days=1)


def test_abroad_contact_enters_the_list_exactly_at_the_lead_day(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        at_lead = _abroad(tree.branch_x, TODAY + timedelta(days=LEAD) - relativedelta(months=6))
        one_day_less = _abroad(tree.branch_x, TODAY + timedelta(days=LEAD + 1) - relativedelta(months=6))
        assert len(_due(sources.abroad_contact, member=at_lead)) == 1
        assert _due(sources.abroad_contact, member=one_day_less) == []


def test_abroad_with_no_contact_counts_from_departure_and_returned_members_are_done(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        never = _abroad(tree.branch_x, None, left_on=TODAY - relativedelta(months=6))
        back = _abroad(tree.branch_x, None, left_on=date(2024, 1, 1), returned_on=date(2024, 6, 1))
        [due] = _due(sources.abroad_contact, member=never)
        assert due.due_on == TODAY
        assert _due(sources.abroad_contact, member=back) == []


# --- retained graduates -----------------------------------------------------------------------


def _retained(branch: object, since: date) -> Member:
    member = MemberFactory(branch=branch, status=Member.Status.RETAINED)
    MemberChange.objects.create(
        member=member,
        kind="status",
        changes={"status": ["normal", "retained"], "effective_on": [None, since.isoformat()]},
    )
    return member


def test_retained_exactly_two_years_is_due_today(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        member = _retained(tree.branch_x, TODAY - relativedelta(years=2))
        [due] = _due(sources.retained_limit, member=member)
        assert due.due_on == TODAY
        assert due.rule_key == "retained.max_years"


def test_retained_enters_the_list_exactly_at_the_lead_day(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        at_lead = _retained(tree.branch_x, TODAY + timedelta(days=LEAD) - relativedelta(years=2))
        later = _retained(tree.branch_x, TODAY + timedelta(days=LEAD + 1) - relativedelta(years=2))
        assert len(_due(sources.retained_limit, member=at_lead)) == 1
        assert _due(sources.retained_limit, member=later) == []


def test_retained_counts_from_the_latest_change_to_retained(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        member = _retained(tree.branch_x, TODAY - relativedelta(years=5))
        # Back to normal, then retained again a year ago: the clock restarted.
        MemberChange.objects.create(
            member=member,
            kind="status",
            changes={"status": ["retained", "normal"], "effective_on": [None, "2024-01-01"]},
        )
        MemberChange.objects.create(
            member=member,
            kind="status",
            changes={
                "status": ["normal", "retained"],
                "effective_on": [None, (TODAY - relativedelta(years=1)).isoformat()],
            },
        )
        assert _due(sources.retained_limit, member=member) == []


def test_a_retained_member_with_no_known_start_is_asked_of_the_managers_until_it_is_recorded(
    inst_a: Institution,
) -> None:
    """Imported as retained without 保留组织关系起始日期: no limit can be computed, so the branch's
    managers (not the member, who cannot record it) get one item asking for the date."""
    with in_schema(inst_a):
        tree = build_tree()
        secretary, _ = person(tree.branch_x, "sec_x", Position.Kind.SECRETARY)
        graduate, member = person(tree.branch_x, "grad_x", status=Member.Status.RETAINED)
        [due] = _due(sources.retained_limit, member=member)
        assert due.key == f"members.retained_limit:{member.pk}:unknown"  # one per member: sent once
        assert due.due_on == TODAY and "起始日期未登记" in due.title
        assert secretary.pk in due.recipient_ids and graduate.pk not in due.recipient_ids
        assert due.rule_key == "retained.max_years"
        # Recorded (by an import's column, or a status change): the 2-year limit instead.
        MemberChange.objects.create(
            member=member,
            kind="status",
            changes={
                "status": [None, "retained"],
                "effective_on": [None, (TODAY - relativedelta(years=2)).isoformat()],
            },
        )
        [due] = _due(sources.retained_limit, member=member)
        assert due.key == f"members.retained_limit:{member.pk}:{TODAY.isoformat()}"
        assert graduate.pk in due.recipient_ids


def test_a_member_whose_dossier_is_in_probation_is_left_to_the_development_source(inst_a: Institution) -> None:
    from services.development.models import Dossier

    with in_schema(inst_a):
        tree = build_tree()
        joined = TODAY - relativedelta(months=12)
        member = _probationary(tree.branch_x, joined)
        Dossier.objects.create(
            name=member.name,
            gender=member.gender,
            birth_date=member.birth_date,
            national_id=member.national_id,
            national_id_index=member.national_id_index,
            category=member.category,
            branch=tree.branch_x,
            stage="probationary",
            applied_on=joined - relativedelta(years=2),
            admitted_on=joined,
            probation_ends_on=TODAY,
            member=member,
        )
        assert _due(sources.probation_ending, member=member) == []
