"""Arrears: the consecutive unpaid months per member, the reminders at 1 and 3 months (the member)
and 5 (the branch's managers), the case at six (not with an approved exemption), the branch's
handling of it, and the member's status never changing by itself."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from services.audit.models import AuditEvent
from services.dues import arrears, reminders
from services.dues.models import ArrearsCase, Reduction
from services.members.models import Member
from services.reminders.models import Reminder
from services.reminders.services import reminder_scan
from tenants.models import Institution
from tests.conftest import make_user

from .conftest import Branch
from .ledger_helpers import bill, months, pay

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 5)  # November is the last month that is over


def unpaid_for(member: Member, count: int) -> None:
    """Bills from January to November, the last ``count`` of them unpaid."""
    for m, month in months(2026, 1, 11).items():
        bill(member, month)
        if m <= 11 - count:
            pay(member, month)


def with_account(inst_a: Institution, member: Member, name: str) -> Member:
    member.user = make_user(inst_a, username=name)
    member.save(update_fields=["user"])
    return member


def test_the_run_is_the_consecutive_unpaid_months_ending_last_month(branch: Branch) -> None:
    member = branch.members[3]
    unpaid_for(member, 4)
    assert arrears.unpaid_runs(today=TODAY)[member.pk] == [(2026, 8), (2026, 9), (2026, 10), (2026, 11)]
    # The current month is not over: it does not count yet.
    assert arrears.unpaid_runs(today=date(2026, 11, 20))[member.pk] == [(2026, 8), (2026, 9), (2026, 10)]


def test_a_paid_last_month_means_no_run(branch: Branch) -> None:
    member = branch.members[3]
    got = months(2026, 9, 11)
    bill(member, got[9])
    bill(member, got[10])
    bill(member, got[11])
    pay(member, got[11])
    assert member.pk not in arrears.unpaid_runs(today=TODAY)


@pytest.mark.parametrize(("count", "step"), [(1, 1), (2, 1), (3, 3), (4, 3)])
def test_the_member_is_reminded_at_one_and_at_three_months(
    inst_a: Institution, branch: Branch, count: int, step: int
) -> None:
    member = with_account(inst_a, branch.members[3], "dues_d_member")
    unpaid_for(member, count)
    dues = [d for d in reminders.arrears_member(TODAY) if d.member_id == member.pk]
    assert len(dues) == 1
    assert dues[0].key.endswith(f":{step}")
    assert dues[0].recipient_ids == (member.user_id,)
    assert f"{count} 个月" in dues[0].title


def test_the_branch_is_told_at_five_months_not_at_four(branch: Branch) -> None:
    four, five = branch.members[3], branch.members[4]
    unpaid_for(four, 4)
    unpaid_for(five, 5)
    dues = list(reminders.arrears_branch(TODAY))
    assert [d.member_id for d in dues] == [five.pk]
    assert branch.secretary.pk in dues[0].recipient_ids


def test_six_months_open_a_case_once_and_the_status_does_not_change(branch: Branch) -> None:
    member = branch.members[3]
    status = member.status
    unpaid_for(member, 6)
    unpaid_for(branch.members[4], 5)
    dues = list(reminders.arrears_case(TODAY))
    case = ArrearsCase.objects.get(member=member)
    assert case.status == ArrearsCase.Status.OPEN and case.unit_id == branch.unit.pk
    assert case.months == [[2026, m] for m in range(6, 12)]
    assert [d.key for d in dues] == [f"dues.arrears_case:{case.pk}"]
    assert "第九条" in dues[0].citation
    assert AuditEvent.objects.filter(event="dues.arrears_case_opened", object_id=str(case.pk)).exists()
    list(reminders.arrears_case(TODAY))  # the next morning: still one case
    assert ArrearsCase.objects.filter(member=member).count() == 1
    assert not ArrearsCase.objects.filter(member=branch.members[4]).exists()
    member.refresh_from_db()
    assert member.status == status


def test_an_approved_exemption_means_no_case(branch: Branch) -> None:
    member = branch.members[3]
    unpaid_for(member, 6)
    Reduction.objects.create(
        member=member,
        kind=Reduction.Kind.EXEMPT,
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 8, 1),
        reason="病休",
        status=Reduction.Status.APPROVED,
    )
    assert arrears.arrears_cases_open(today=TODAY) == []
    assert arrears.unpaid_runs(today=TODAY)[member.pk] == [(2026, 9), (2026, 10), (2026, 11)]


def test_a_refused_or_pending_reduction_does_not_stop_the_case(branch: Branch) -> None:
    member = branch.members[3]
    unpaid_for(member, 6)
    Reduction.objects.create(
        member=member, kind="exempt", starts_on=date(2026, 6, 1), ends_on=date(2026, 11, 1), reason="x"
    )
    assert [c.member_id for c in arrears.arrears_cases_open(today=TODAY)] == [member.pk]


def test_the_branch_records_the_talk_and_closes_the_case(inst_a: Institution, branch: Branch) -> None:
    member = branch.members[3]
    status = member.status
    unpaid_for(member, 6)
    (case,) = arrears.arrears_cases_open(today=TODAY)
    with pytest.raises(ValidationError):
        arrears.case_record(acting_user=branch.secretary, case=case, talked_on=None, outcome="", close=True)
    with pytest.raises(PermissionDenied):
        arrears.case_record(
            acting_user=make_user(inst_a, username="dues_d_x"),
            case=case,
            talked_on=date(2026, 12, 1),
            outcome="x",
            close=False,
        )
    arrears.case_record(
        acting_user=branch.secretary, case=case, talked_on=date(2026, 12, 1), outcome="已谈话，补交", close=True
    )
    case.refresh_from_db()
    assert case.status == ArrearsCase.Status.CLOSED and case.closed_by == branch.secretary
    with pytest.raises(ValidationError):
        arrears.case_record(acting_user=branch.secretary, case=case, talked_on=None, outcome="", close=False)
    # The same run does not open a second case once closed.
    assert arrears.arrears_cases_open(today=TODAY) == []
    member.refresh_from_db()
    assert member.status == status


def test_the_scan_delivers_the_reminders(inst_a: Institution, branch: Branch, monkeypatch: pytest.MonkeyPatch) -> None:
    member = with_account(inst_a, branch.members[3], "dues_d_scan")
    unpaid_for(member, 6)
    read: list[date] = []
    real = reminders.unpaid_runs
    monkeypatch.setattr(reminders, "unpaid_runs", lambda *, today: read.append(today) or real(today=today))
    reminder_scan(today=TODAY)
    assert read == [TODAY]  # the whole ledger is read once for the three arrears sources
    kinds = set(Reminder.objects.filter(key__startswith="dues.").values_list("kind", flat=True))
    # December, and the branch has published nothing for the year: the disclosure is due too.
    assert kinds == {"dues.arrears_member", "dues.arrears_branch", "dues.arrears_case", "dues.disclosure_due"}
    assert Member.objects.get(pk=member.pk).status == member.status
