"""我的党费: the member sees their category, base and how the amount is computed, what is due
now, their months and receipts — and nothing of anyone else's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from services.accounts.models import User
from services.dues import bases
from services.dues.models import Category, Entry, Month
from services.members.models import Member
from tenants.models import Institution
from tests.conftest import client_for
from tests.factories import UserFactory

from .conftest import Branch

pytestmark = pytest.mark.django_db


def account(member: Member, username: str) -> User:
    user = UserFactory(username=username)
    member.user = user
    member.save(update_fields=["user"])
    return user


def entry(member: Member, month: Month, kind: str, amount: str, **fields: object) -> Entry:
    return Entry.objects.create(
        member=member, unit=member.branch, kind=kind, year=month.year, month=month.month, booked=month,
        amount=Decimal(amount), **fields,
    )  # fmt: skip


@pytest.fixture
def me(branch: Branch) -> Member:
    member = branch.members[3]
    bases.base_set(
        acting_user=branch.secretary, member=member, category=Category.EMPLOYED,
        monthly_base=Decimal("3000.00"), starts_on=date(2026, 1, 1),
    )  # fmt: skip
    return member


def test_the_page_explains_the_amount_from_the_base(inst_a: Institution, branch: Branch, me: Member) -> None:
    page = client_for(inst_a, account(me, "dues_me")).get(reverse("dues_mine:page")).content.decode()
    assert "3000.00" in page and "× 0.5% = 15.00" in page and "第一、二条" in page
    assert "没有待交的党费" in page


def test_the_page_shows_what_is_due_the_history_and_receipts_of_the_member_only(
    inst_a: Institution, branch: Branch, me: Member
) -> None:
    september = Month.objects.create(year=2026, month=9)
    october = Month.objects.create(year=2026, month=10)
    november = Month.objects.create(year=2026, month=11)
    basis = {
        "category": "employed",
        "base": "3000.00",
        "percent": "0.5",
        "amount": "15.00",
        "citation": "党费规定",
        "article": "第一、二条",
    }
    entry(me, october, Entry.Kind.BILL, "15.00", basis=basis)
    entry(me, october, Entry.Kind.PAYMENT, "-15.00", method=Entry.Method.CASH, reference="RCPT-OCT-01")
    entry(me, november, Entry.Kind.BILL, "15.00", basis=basis)
    entry(me, september, Entry.Kind.PAYMENT, "-15.00", method=Entry.Method.WECHAT, note="DF202609000001")
    other = branch.members[4]
    entry(other, november, Entry.Kind.BILL, "77.77")
    entry(other, october, Entry.Kind.PAYMENT, "-66.66", method=Entry.Method.BANK, reference="OTHER-REF-99")
    client = client_for(inst_a, account(me, "dues_me2"))
    page = client.get(reverse("dues_mine:page")).content.decode()
    assert "2026年11月：15.00 元" in page and "合计 <strong>15.00</strong>" in page
    assert "RCPT-OCT-01" in page and "现金" in page and "最近一期账单的计算方法" in page
    assert "OTHER-REF-99" not in page and "77.77" not in page and "66.66" not in page
    data = client.get(reverse("dues-mine")).json()
    assert data["member"] == me.pk and data["outstanding_total"] == "15.00"
    assert [(row["year"], row["month"]) for row in data["outstanding"]] == [(2026, 11)]
    receipts = {row["reference"] or row["method"]: row["order_no"] for row in data["receipts"]}
    assert receipts == {"RCPT-OCT-01": "", "wechat": "DF202609000001"}  # an online payment names its order
    assert data["history"][1]["methods"] == ["现金"] and "0.5%" in data["explanation"]


def test_an_account_without_a_record_has_an_empty_page(inst_a: Institution, branch: Branch) -> None:
    client = client_for(inst_a, UserFactory(username="dues_nobody"))
    assert "没有关联党员档案" in client.get(reverse("dues_mine:page")).content.decode()
    assert client.get(reverse("dues-mine")).json()["member"] is None
