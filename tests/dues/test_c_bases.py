"""Dues bases (bases.py): who may set one, every refusal in Chinese (negative, absurd, finer than
a fen, a missing or superfluous base, a month not on its first day or already closed), the page and
the API, and the audit row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from services.audit.models import AuditEvent
from services.dues import bases
from services.dues.models import Base, Category, Month
from tenants.models import Institution
from tests.conftest import client_for
from tests.factories import UserFactory

from .conftest import Branch

pytestmark = pytest.mark.django_db

NOV = date(2026, 11, 1)


def set_base(branch: Branch, **fields: object) -> Base:
    values: dict[str, object] = {
        "acting_user": branch.secretary,
        "member": branch.members[3],
        "category": Category.EMPLOYED,
        "monthly_base": Decimal("4200.00"),
        "starts_on": NOV,
    }
    values.update(fields)
    return bases.base_set(**values)  # type: ignore[arg-type]


def refusal(branch: Branch, **fields: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        set_base(branch, **fields)
    return caught.value.message_dict


def test_a_secretary_sets_a_base_from_a_month_and_it_is_audited(branch: Branch) -> None:
    base = set_base(branch)
    assert (base.category, base.monthly_base, base.starts_on) == (Category.EMPLOYED, Decimal("4200.00"), NOV)
    row = AuditEvent.objects.get(event="dues.base_set", object_id=str(branch.members[3].pk))
    assert row.before is None and row.after["monthly_base"] == "4200.00"
    again = set_base(branch, monthly_base=Decimal("5000"))
    assert again.pk == base.pk and Base.objects.filter(member=branch.members[3]).count() == 1
    assert AuditEvent.objects.filter(event="dues.base_set").order_by("pk").last().before["monthly_base"] == "4200.00"  # type: ignore[union-attr]


def test_the_base_in_force_is_the_latest_starting_on_or_before_the_month(branch: Branch) -> None:
    set_base(branch, starts_on=date(2026, 1, 1), monthly_base=Decimal("3000"))
    set_base(branch, starts_on=date(2026, 7, 1), monthly_base=Decimal("5000"))
    member = branch.members[3]
    assert bases.base_in_force(member=member, on=date(2026, 6, 30)).monthly_base == Decimal("3000")  # type: ignore[union-attr]
    assert bases.base_in_force(member=member, on=date(2026, 7, 15)).monthly_base == Decimal("5000")  # type: ignore[union-attr]
    assert bases.base_in_force(member=member, on=date(2025, 12, 31)) is None


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1", "金额不能为负数。"),
        ("1000000.01", "金额超过每月 1,000,000 元"),
        ("4200.005", "金额最多精确到分"),
    ],
)
def test_a_bad_amount_is_refused_in_chinese(branch: Branch, amount: str, message: str) -> None:
    assert message in refusal(branch, monthly_base=Decimal(amount))["monthly_base"][0]
    with pytest.raises(ValidationError) as caught:
        bases.money_parse(amount)
    assert message in caught.value.messages[0]


def test_typed_money_reads_commas_and_the_yuan_sign_and_refuses_words() -> None:
    assert bases.money_parse("￥4,200.5") == Decimal("4200.50")
    assert bases.money_parse("1000000") == Decimal("1000000.00")
    with pytest.raises(ValidationError, match="不是金额"):
        bases.money_parse("四千")


def test_a_percentage_category_needs_a_base_and_a_flat_one_refuses_one(branch: Branch) -> None:
    assert "请填写月交纳基数" in refusal(branch, monthly_base=None)["monthly_base"][0]
    assert "不填写月交纳基数" in refusal(branch, category=Category.STUDENT)["monthly_base"][0]
    student = set_base(branch, category=Category.STUDENT, monthly_base=None)
    assert student.monthly_base is None


def test_a_month_not_on_its_first_day_is_refused(branch: Branch) -> None:
    assert "起始月份须为某月的 1 日" in refusal(branch, starts_on=date(2026, 11, 15))["starts_on"][0]


def test_a_closed_month_and_the_months_before_it_are_refused(branch: Branch) -> None:
    Month.objects.create(year=2026, month=10, status=Month.Status.CLOSED)
    message = refusal(branch, starts_on=date(2026, 10, 1))["starts_on"][0]
    assert message.startswith("该月党费已结账") and "2026年11月" in message
    assert "该月党费已结账" in refusal(branch, starts_on=date(2026, 3, 1))["starts_on"][0]
    assert set_base(branch, starts_on=NOV).starts_on == NOV


def test_only_managers_of_the_members_branch_set_a_base(branch: Branch) -> None:
    plain = UserFactory(username="dues_plain")
    branch.members[4].user = plain
    branch.members[4].save(update_fields=["user"])
    with pytest.raises(PermissionDenied):
        set_base(branch, acting_user=plain)
    with pytest.raises(PermissionDenied):
        set_base(branch, acting_user=plain, member=branch.members[4])  # not even their own
    assert not Base.objects.exists()


def test_the_page_sets_a_base_and_shows_refusals_next_to_the_field(inst_a: Institution, branch: Branch) -> None:
    client = client_for(inst_a, branch.secretary)
    member = branch.members[3]
    url = reverse("dues_bases:edit", kwargs={"pk": member.pk})
    page = client.post(url, {"category": "employed", "monthly_base": "-5", "starts_on": "2026-11"})
    assert page.status_code == 200 and "金额不能为负数" in page.content.decode()
    done = client.post(url, {"category": "employed", "monthly_base": "4,200", "starts_on": "2026-11"})
    assert done.status_code == 302
    assert Base.objects.get(member=member).monthly_base == Decimal("4200.00")
    listing = client.get(reverse("dues_bases:list"), {"unit": branch.unit.pk}).content.decode()
    assert member.name in listing and "4200.00" in listing
    missing = client.get(reverse("dues_bases:list"), {"missing": "1"}).content.decode()
    assert member.name not in missing and branch.members[4].name in missing


def test_the_api_sets_a_base_and_refuses_by_field(inst_a: Institution, branch: Branch) -> None:
    client = client_for(inst_a, branch.secretary)
    member = branch.members[3]
    url = reverse("dues-member-bases", kwargs={"pk": member.pk})
    bad = client.post(
        url, {"category": "retiree", "monthly_base": "abc", "starts_on": "2026-11-02"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "不是金额" in str(bad.json())
    odd = client.post(
        url, {"category": "retiree", "monthly_base": "5000", "starts_on": "2026-11-02"}, content_type="application/json"
    )
    assert odd.status_code == 400 and "1 日" in str(odd.json()["starts_on"])
    ok = client.post(
        url,
        {"category": "retiree", "monthly_base": "5000.01", "starts_on": "2026-11-01"},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["monthly_base"] == "5000.01"
    rows = client.get(reverse("dues-bases"), {"category": "retiree"}).json()
    assert [row["member"] for row in rows] == [member.pk]
    assert rows[0]["amount"] == "50.00" and "1%" in rows[0]["explanation"]
