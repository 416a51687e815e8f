"""A member declares a changed base; a manager of the branch confirms it (a base from that month,
source declared) or refuses it with a note. Both audited; one waiting declaration per member."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from services.accounts.models import User
from services.audit.models import AuditEvent
from services.dues import bases, declarations
from services.dues.models import Base, BaseDeclaration, Category, Month
from services.members.models import Member
from tenants.models import Institution
from tests.conftest import client_for
from tests.factories import UserFactory

from .conftest import Branch

pytestmark = pytest.mark.django_db

MARCH = date(2027, 3, 1)


def account(member: Member, username: str) -> User:
    user = UserFactory(username=username)
    member.user = user
    member.save(update_fields=["user"])
    return user


@pytest.fixture
def me(branch: Branch) -> Member:
    member = branch.members[3]
    bases.base_set(
        acting_user=branch.secretary, member=member, category=Category.RETIREE,
        monthly_base=Decimal("4000"), starts_on=date(2027, 1, 1),
    )  # fmt: skip
    account(member, "dues_declarer")
    return member


def declare(member: Member, **fields: object) -> BaseDeclaration:
    values: dict[str, object] = {"monthly_base": Decimal("5200.00"), "starts_on": MARCH, "reason": "调薪"}
    values.update(fields)
    return declarations.declaration_submit(acting_user=member.user, **values)  # type: ignore[arg-type]


def test_a_confirmed_declaration_becomes_a_base_from_its_month_in_the_current_category(
    branch: Branch, me: Member
) -> None:
    declaration = declare(me)
    assert AuditEvent.objects.filter(event="dues.base_declared", object_id=str(declaration.pk)).exists()
    decided = declarations.declaration_decide(acting_user=branch.secretary, declaration=declaration, confirm=True)
    assert decided.status == BaseDeclaration.Status.CONFIRMED and decided.base is not None
    base = Base.objects.get(member=me, starts_on=MARCH)
    assert (base.category, base.monthly_base, base.source) == (Category.RETIREE, Decimal("5200.00"), "declared")
    assert bases.base_in_force(member=me, on=date(2027, 2, 28)).monthly_base == Decimal("4000")  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(event="dues.declaration_decided", object_id=str(declaration.pk)).exists()
    with pytest.raises(ValidationError, match="该申报已处理"):
        declarations.declaration_decide(acting_user=branch.secretary, declaration=declaration, confirm=False, note="x")


def test_a_refusal_needs_a_note_and_writes_no_base(branch: Branch, me: Member) -> None:
    declaration = declare(me)
    with pytest.raises(ValidationError) as caught:
        declarations.declaration_decide(acting_user=branch.secretary, declaration=declaration, confirm=False)
    assert "请填写不采纳的理由" in caught.value.message_dict["note"][0]
    refused = declarations.declaration_decide(
        acting_user=branch.secretary, declaration=declaration, confirm=False, note="工资未变"
    )
    assert refused.status == BaseDeclaration.Status.REFUSED and not Base.objects.filter(starts_on=MARCH).exists()


def test_a_declaration_is_checked_as_a_base_is_and_waits_alone(branch: Branch, me: Member) -> None:
    Month.objects.create(year=2027, month=2, status=Month.Status.CLOSED)
    with pytest.raises(ValidationError) as caught:
        declare(me, monthly_base=Decimal("-1"), starts_on=date(2027, 2, 1), reason=" ")
    problems = caught.value.message_dict
    assert "金额不能为负数" in problems["monthly_base"][0] and "该月党费已结账" in problems["starts_on"][0]
    assert "原因" in problems["reason"][0]
    declare(me)
    with pytest.raises(ValidationError, match="待支部确认"):
        declare(me, monthly_base=Decimal("6000"))


def test_only_a_manager_of_the_branch_decides(branch: Branch, me: Member) -> None:
    declaration = declare(me)
    with pytest.raises(PermissionDenied):
        declarations.declaration_decide(acting_user=me.user, declaration=declaration, confirm=True)
    with pytest.raises(PermissionDenied):
        declarations.declarations_to_decide(acting_user=me.user)


def test_the_pages_and_the_api_carry_the_flow(inst_a: Institution, branch: Branch, me: Member) -> None:
    member_client = client_for(inst_a, me.user)
    page = member_client.post(
        reverse("dues_mine:declare"), {"monthly_base": "5,200", "starts_on": "2027-03", "reason": "晋升"}
    )
    assert page.status_code == 302
    declaration = BaseDeclaration.objects.get(member=me)
    assert "待确认" in member_client.get(reverse("dues_mine:page")).content.decode()
    secretary = client_for(inst_a, branch.secretary)
    assert "晋升" in secretary.get(reverse("dues_bases:declarations")).content.decode()
    listed = secretary.get(reverse("dues-declarations")).json()
    assert [row["id"] for row in listed] == [declaration.pk]
    decided = secretary.post(
        reverse("dues-declaration-decide", kwargs={"pk": declaration.pk}),
        {"confirm": True},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "confirmed"
    again = member_client.post(
        reverse("dues-mine-declarations"),
        {"monthly_base": "5200.001", "starts_on": "2027-04", "reason": "再次调薪"},
        content_type="application/json",
    )
    assert again.status_code == 400 and "精确到分" in str(again.json())
    mine = member_client.get(reverse("dues-mine-declarations")).json()
    assert [row["status"] for row in mine] == ["confirmed"]
