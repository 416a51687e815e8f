"""Reductions and exemptions: the two-step approval (branch, then the higher committee), refusals
at either step, closed months refused, and the reduction entries' arithmetic (months billed before
the approval are written at once, in the open month; later months through ``reductions_for``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from services.dues import reductions
from services.dues.models import Entry, Month, Reduction
from services.dues.selectors import member_months
from services.organization.models import OrgUnit, Position
from tenants.models import Institution
from tests.conftest import client_for, make_user
from tests.factories import MemberFactory, OrgUnitFactory

from .conftest import Branch
from .ledger_helpers import bill, months

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(inst_a: Institution, branch: Branch) -> object:
    """A college committee above the branch, with its secretary (who approves the second step)."""
    college = OrgUnitFactory(name="学院党委", kind=OrgUnit.Kind.SECOND_LEVEL)
    OrgUnit.objects.filter(pk=branch.unit.pk).update(parent=college, path=f"{college.path}{branch.unit.pk}.")
    branch.unit.refresh_from_db()
    for member in [*branch.members, *branch.probationary]:
        member.refresh_from_db()
    user = make_user(inst_a, username="dues_d_college")
    Position.objects.create(
        member=MemberFactory(branch=college, user=user), unit=college, kind="secretary", started_on=date(2024, 1, 1)
    )
    return user


def ask(branch: Branch, **fields: object) -> Reduction:
    values = {
        "kind": Reduction.Kind.REDUCE,
        "starts_on": date(2026, 10, 1),
        "ends_on": date(2026, 12, 1),
        "reason": "家庭困难",
        "monthly_amount": "2.00",
        **fields,
    }
    return reductions.reduction_request(acting_user=branch.secretary, member=branch.members[3], **values)  # type: ignore[arg-type]


def test_the_branch_then_the_committee_approve_and_billed_months_are_reduced(branch: Branch, committee: object) -> None:
    got = months(2026, 10, 11)
    member = branch.members[3]
    bill(member, got[10], "10.00")
    bill(member, got[11], "10.00")
    request = ask(branch)
    request = reductions.reduction_decide(acting_user=branch.secretary, reduction=request, approve=True, note="同意")
    assert request.status == Reduction.Status.COMMITTEE and request.branch_decided_at is not None
    with pytest.raises(PermissionDenied):  # the branch does not decide the committee's step
        reductions.reduction_decide(acting_user=branch.secretary, reduction=request, approve=True)
    assert not Entry.objects.filter(kind=Entry.Kind.REDUCTION).exists()
    request = reductions.reduction_decide(acting_user=committee, reduction=request, approve=True, note="批准")
    assert request.status == Reduction.Status.APPROVED and request.committee_decided_at is not None
    written = Entry.objects.filter(kind=Entry.Kind.REDUCTION, member=member).order_by("month")
    assert [(e.month, e.amount, e.booked_id) for e in written] == [
        (10, Decimal("-8.00"), got[11].pk),
        (11, Decimal("-8.00"), got[11].pk),
    ]
    assert [line.outstanding for line in member_months(member)] == [Decimal("2.00"), Decimal("2.00")]
    # December is billed later: the month opening asks and writes the same arithmetic once.
    terms = reductions.reductions_for([member.pk, branch.members[4].pk], 2026, 12)
    assert list(terms) == [member.pk]
    assert reductions.reduction_amount(terms[member.pk], billed=Decimal("10.00")) == Decimal("8.00")
    assert terms[member.pk].idempotency_key(2026, 12) == f"reduction:{request.pk}:2026-12"


def test_an_exemption_reduces_the_whole_bill(branch: Branch, committee: object) -> None:
    got = months(2026, 11, 11)
    member = branch.members[3]
    bill(member, got[11], "12.34")
    request = ask(branch, kind=Reduction.Kind.EXEMPT, monthly_amount=None)
    reductions.reduction_decide(acting_user=branch.secretary, reduction=request, approve=True)
    reductions.reduction_decide(acting_user=committee, reduction=request, approve=True)
    assert Entry.objects.get(kind=Entry.Kind.REDUCTION, member=member).amount == Decimal("-12.34")
    assert member_months(member)[0].outstanding == 0


def test_one_person_does_not_decide_both_steps(branch: Branch, committee: object) -> None:
    request = reductions.reduction_decide(acting_user=committee, reduction=ask(branch), approve=True)
    assert request.status == Reduction.Status.COMMITTEE  # the college manages the branch too
    with pytest.raises(PermissionDenied):
        reductions.reduction_decide(acting_user=committee, reduction=request, approve=True)


def test_either_step_may_refuse_with_a_note(branch: Branch, committee: object) -> None:
    first = ask(branch)
    with pytest.raises(ValidationError):
        reductions.reduction_decide(acting_user=branch.secretary, reduction=first, approve=False)
    first = reductions.reduction_decide(acting_user=branch.secretary, reduction=first, approve=False, note="理由不足")
    assert first.status == Reduction.Status.REFUSED and first.branch_note == "理由不足"
    with pytest.raises(ValidationError):
        reductions.reduction_decide(acting_user=branch.secretary, reduction=first, approve=True)
    second = ask(branch)
    reductions.reduction_decide(acting_user=branch.secretary, reduction=second, approve=True)
    second = reductions.reduction_decide(acting_user=committee, reduction=second, approve=False, note="不符合规定")
    assert second.status == Reduction.Status.REFUSED and second.decision_note == "不符合规定"
    assert not Entry.objects.filter(kind=Entry.Kind.REDUCTION).exists()


def test_closed_months_overlaps_and_strangers_are_refused(inst_a: Institution, branch: Branch) -> None:
    Month.objects.create(year=2026, month=9, status=Month.Status.CLOSED)
    with pytest.raises(ValidationError) as caught:
        ask(branch, starts_on=date(2026, 9, 1))
    assert "2026-09 已结账" in str(caught.value)
    ask(branch)
    with pytest.raises(ValidationError):
        ask(branch, starts_on=date(2026, 12, 1), ends_on=date(2027, 1, 1))
    with pytest.raises(ValidationError):
        ask(branch, starts_on=date(2027, 1, 1), ends_on=date(2027, 2, 1), monthly_amount="-1")
    with pytest.raises(PermissionDenied):
        reductions.reduction_request(
            acting_user=make_user(inst_a, username="dues_d_stranger"),
            member=branch.members[3],
            kind="exempt",
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 1, 1),
            reason="x",
        )


def test_a_member_asks_for_themselves_on_the_page(inst_a: Institution, branch: Branch) -> None:
    member = branch.members[5]
    member.user = make_user(inst_a, username="dues_d_asker")
    member.save(update_fields=["user"])
    client = client_for(inst_a, member.user)
    response = client.post(
        "/dues/reductions/new/",
        {"kind": "exempt", "starts_on": "2027-01", "ends_on": "2027-03", "reason": "失业"},
    )
    made = Reduction.objects.get(member=member)
    assert response.status_code == 302 and made.ends_on == date(2027, 3, 1)
    assert client.get(f"/dues/reductions/{made.pk}/").status_code == 200
    assert client.get("/api/dues/reductions/").json()["count"] == 1
