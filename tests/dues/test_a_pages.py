"""The month and ledger pages and API: the dues home with its months, opening and closing only
after confirmation, a branch's sheet saying how each bill was computed, recording a payment and a
correction, the quarterly setting, the .xlsx exports (read back), the API and its schema."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from services.audit.models import AuditEvent
from services.dues.models import Base, BranchSettings, Category, Entry, Month
from services.dues.months import open_month
from services.members.models import Member
from tenants.models import Institution
from tests.conftest import client_for, make_user

from .conftest import Branch

pytestmark = pytest.mark.django_db


@pytest.fixture
def billed(branch: Branch) -> Branch:
    for index, member in enumerate([*branch.members, *branch.probationary]):
        if index == 9:
            continue  # 预备01 has no base
        amount = Decimal("3000.00") if index == 3 else Decimal("4000.00")
        Base.objects.create(member=member, category=Category.EMPLOYED, monthly_base=amount, starts_on=date(2026, 1, 1))
    open_month(acting_user=branch.secretary, year=2026, month=11)
    return branch


def sheet_url(branch: Branch, month: int = 11) -> str:
    return reverse("dues:sheet", kwargs={"pk": branch.unit.pk, "year": 2026, "month": month})


def test_the_home_lists_months_and_opening_needs_confirmation(branch: Branch, inst_a: Institution) -> None:
    for member in branch.members:
        Base.objects.create(
            member=member, category=Category.EMPLOYED, monthly_base=Decimal("4000"), starts_on=date(2026, 1, 1)
        )
    client = client_for(inst_a, branch.secretary)
    assert client.get(reverse("dues:home")).status_code == 200
    url = reverse("dues:month_open")
    page = client.get(url).content.decode()
    assert "开账" in page and "缺少党费基数" in page
    unconfirmed = client.post(url, {"year": 2026, "month": 11})
    assert unconfirmed.status_code == 200 and not Month.objects.exists()
    done = client.post(url, {"year": 2026, "month": 11, "confirm": "on"}, follow=True)
    assert "2026年11月已开账：8 条应交记录，合计 320.00 元；2 人缺少党费基数。" in done.content.decode()
    again = client.post(url, {"year": 2026, "month": 11, "confirm": "on"}).content.decode()
    assert "已经开账，不能重复开账" in again
    home = client.get(reverse("dues:home")).content.decode()
    assert "2026-11" in home and "收缴中" in home
    month = Month.objects.get()
    client.post(reverse("dues:month_close", kwargs={"pk": month.pk}), {})
    assert Month.objects.get().status == Month.Status.OPEN
    client.post(reverse("dues:month_close", kwargs={"pk": month.pk}), {"confirm": "on"})
    assert Month.objects.get().status == Month.Status.CLOSED


def test_a_plain_member_gets_no_dues_management(branch: Branch, inst_a: Institution) -> None:
    user = make_user(inst_a, username="dues_plain")
    Member.objects.filter(pk=branch.members[5].pk).update(user=user)
    client = client_for(inst_a, user)
    assert client.get(reverse("dues:home")).status_code == 403
    assert client.get(sheet_url(branch)).status_code == 404
    assert client.post(reverse("dues:month_open"), {"year": 2026, "month": 11, "confirm": "on"}).status_code == 403
    assert client.get(reverse("dues-months")).status_code == 403


def test_the_sheet_explains_each_bill_lists_missing_bases_and_records_a_payment(
    billed: Branch, inst_a: Institution
) -> None:
    client = client_for(inst_a, billed.secretary)
    page = client.get(sheet_url(billed)).content.decode()
    assert "月交纳基数 3000.00 元 × 0.5% = 15.00 元" in page
    assert "缺少党费基数" in page and billed.probationary[1].name in page
    member = billed.members[3]
    pay_url = reverse("dues:payment", kwargs={"pk": member.pk})
    form = {"kind": "payment", "months": ["2026-11"], "method": "cash", "reference": "SJ-9", "back": sheet_url(billed)}
    wrong = client.post(pay_url, {**form, "amount": "16"}).content.decode()
    assert "应交 15.00 元，实收 16.00 元" in wrong
    done = client.post(pay_url, {**form, "amount": "15.00", "paid_by_name": "王五"})
    assert done.status_code == 302 and done["Location"] == sheet_url(billed)
    entry = Entry.objects.get(member=member, kind=Entry.Kind.PAYMENT)
    assert (entry.amount, entry.reference, entry.paid_by_name) == (Decimal("-15.00"), "SJ-9", "王五")
    assert "已交清" in client.get(sheet_url(billed)).content.decode()
    tiny = client.post(pay_url, {**form, "kind": "voluntary", "amount": "0.001"}).content.decode()
    assert "分" in tiny


def test_a_correction_asks_for_a_reason_and_confirmation(billed: Branch, inst_a: Institution) -> None:
    client = client_for(inst_a, billed.secretary)
    bill = Entry.objects.get(member=billed.members[4], kind=Entry.Kind.BILL)
    url = reverse("dues:entry_reverse", kwargs={"pk": bill.pk})
    assert "基数" in client.get(url).content.decode()
    client.post(url, {"reason": "基数有误", "corrected_amount": "15.00"})
    assert not Entry.objects.filter(corrects=bill).exists()  # not confirmed
    done = client.post(url, {"reason": "基数有误", "corrected_amount": "15.00", "confirm": "on"})
    assert done.status_code == 302
    assert sorted(Entry.objects.filter(corrects=bill).values_list("kind", "amount")) == [
        ("bill", Decimal("15.00")),
        ("reversal", Decimal("-40.00")),
    ]


def test_the_quarterly_setting_is_saved_and_audited(billed: Branch, inst_a: Institution) -> None:
    client = client_for(inst_a, billed.secretary)
    url = reverse("dues:settings", kwargs={"pk": billed.unit.pk})
    assert client.post(url, {"quarterly": "on"}).status_code == 302
    assert BranchSettings.objects.get(unit=billed.unit).quarterly
    assert AuditEvent.objects.filter(event="dues.branch_settings").exists()
    assert "按季度交纳" in client.get(sheet_url(billed)).content.decode()


def test_the_exports_read_back(billed: Branch, inst_a: Institution) -> None:
    client = client_for(inst_a, billed.secretary)
    member = billed.members[3]
    client.post(
        reverse("dues:payment", kwargs={"pk": member.pk}),
        {"kind": "payment", "months": ["2026-11"], "amount": "15.00", "method": "bank", "reference": "YH-7"},
    )
    response = client.get(reverse("dues:export_month", kwargs={"pk": billed.unit.pk, "year": 2026, "month": 11}))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][:5] == ("姓名", "应交（元）", "已交（元）", "减免（元）", "欠交（元）")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[member.name][1:5] == (15, 15, 0, 0)
    assert "YH-7" in by_name[member.name][6]
    assert by_name["合计"][1] == 15 + 40 * 8  # 9 bills: one at 15.00, eight at 40.00
    assert by_name[billed.probationary[1].name][5] == "缺少党费基数"
    year = client.get(reverse("dues:export_year", kwargs={"pk": billed.unit.pk, "year": 2026}))
    year_rows = list(load_workbook(io.BytesIO(b"".join(year.streaming_content))).active.values)
    assert year_rows[0][11] == "11月已交" and len(year_rows) == 10
    assert AuditEvent.objects.filter(event="dues.exported").count() == 2


def send(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_opens_lists_records_reverses_and_closes(branch: Branch, inst_a: Institution) -> None:
    for member in branch.members:
        Base.objects.create(
            member=member, category=Category.EMPLOYED, monthly_base=Decimal("4000"), starts_on=date(2026, 1, 1)
        )
    client = client_for(inst_a, branch.secretary)
    opened = send(client, reverse("dues-months"), {"year": 2026, "month": 11})
    assert opened.status_code == 201, opened.json()
    assert opened.json()["bills"] == 8 and len(opened.json()["missing_base"]) == 2
    again = send(client, reverse("dues-months"), {"year": 2026, "month": 11})
    assert again.status_code == 400 and "重复开账" in again.json()["detail"]
    assert client.get(reverse("dues-months")).json()[0]["billed"] == "320.00"
    member = branch.members[2]
    pay_url = reverse("dues-payments", kwargs={"pk": member.pk})
    body = {"months": ["2026-11"], "amount": "40.00", "method": "cash", "reference": "SJ-1"}
    assert send(client, pay_url, {**body, "amount": "-1"}).status_code == 400
    mismatch = send(client, pay_url, {**body, "amount": "41.00"})
    assert mismatch.status_code == 400 and "应交 40.00 元" in json.dumps(mismatch.json(), ensure_ascii=False)
    paid = send(client, pay_url, body)
    assert paid.status_code == 201 and paid.json()[0]["amount"] == "-40.00"
    voluntary = send(client, pay_url, {"voluntary": True, "amount": "1000", "method": "bank", "reference": "YH"})
    assert voluntary.json()[0]["remit_upward"] is True
    entries_url = reverse("dues-unit-entries", kwargs={"pk": branch.unit.pk, "year": 2026, "month": 11})
    kinds = [e["kind"] for e in client.get(entries_url).json() if e["member"] == member.pk]
    assert sorted(kinds) == ["bill", "payment", "voluntary"]
    reversed_ = send(client, reverse("dues-entry-reverse", kwargs={"pk": paid.json()[0]["id"]}), {"reason": "收据作废"})
    assert reversed_.status_code == 201 and reversed_.json()[0]["amount"] == "40.00"
    month = Month.objects.get()
    closed = client.post(reverse("dues-month-close", kwargs={"pk": month.pk}))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = send(client, pay_url, body)
    assert late.status_code == 400 and "没有收缴中" in late.json()["detail"]
    assert late.json()["code"] == "no_open_month"  # the service's code, for a client to act on
    assert again.json()["code"] == "invalid"  # a refusal that gives no code of its own


def test_the_openapi_schema_describes_the_dues_routes(inst_a: Institution) -> None:
    user = make_user(inst_a, username="dues_schema")
    body = client_for(inst_a, user).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for route in (
        "/api/dues/months/",
        "/api/dues/months/{id}/close/",
        "/api/dues/units/{id}/months/{year}/{month}/entries/",
        "/api/dues/members/{id}/payments/",
        "/api/dues/entries/{id}/reverse/",
    ):
        assert route in body
