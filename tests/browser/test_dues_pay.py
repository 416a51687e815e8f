"""Paying dues on a phone-width browser through the sandbox provider: the member opens 我的党费,
taps 去交纳, chooses the sandbox, goes on from the order's page to the sandbox's own pay page,
confirms there; the sandbox calls the live server back, the phone lands on the receipt, the
ledger holds one payment per month, and 我的党费's receipts lead back to the receipt."""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from services.accounts.models import User
from services.dues import sandbox_server
from services.dues.models import Entry, Month, PaymentOrder
from services.members.models import Member
from services.organization.models import OrgUnit
from tests.browser.conftest import BrowserServer, NewContext, sign_in
from tests.conftest import Institutions
from tests.factories import PASSWORD, MemberFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
YEAR, BILLED = 2026, (10, 11)  # two bills of 12.50, booked in the open 2026-11
AMOUNT = Decimal("12.50")


@dataclass(frozen=True)
class Payer:
    user: User
    member: Member


@pytest.fixture
def sandbox(settings: Settings) -> Iterator[sandbox_server.SandboxServer]:
    """The sandbox provider on a free loopback port, the only provider offered, with its key."""
    key = secrets.token_urlsafe(24)
    server = sandbox_server.serve(key=key)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.DUES_PAY_PROVIDERS = ["sandbox"]
    settings.DUES_SANDBOX_URL = server.sandbox.public_url
    settings.DUES_SANDBOX_KEY = key
    yield server
    server.shutdown()
    server.server_close()


def _remove_ledger(member_ids: list[int], month_ids: list[int]) -> None:
    """The ledger is append-only in the database (a trigger refuses deletes); the table's owner
    lifts the trigger for this one transaction to remove what the test committed."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE dues_entry DISABLE TRIGGER dues_entry_append_only")
        Entry.objects.filter(member_id__in=member_ids).delete()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending events: the table can be altered
        cursor.execute("ALTER TABLE dues_entry ENABLE TRIGGER dues_entry_append_only")
        PaymentOrder.objects.filter(member_id__in=member_ids).delete()
        Month.objects.filter(pk__in=month_ids).delete()


@pytest.fixture
def payer(institutions: Institutions, browser_server: BrowserServer) -> Iterator[Payer]:
    """A committed member with an account, an open month and two unpaid bills (the live server
    sees committed rows only); removed afterwards, ledger included."""
    schema = institutions.a.schema_name
    with schema_context(schema):
        branch = OrgUnitFactory(name="党费测试支部")
        user = UserFactory(username="dues-payer")
        member = MemberFactory(branch=branch, name="赵敏", user=user)
        month = Month.objects.create(year=YEAR, month=BILLED[-1])
        for number in BILLED:
            Entry.objects.create(
                member=member,
                unit=branch,
                kind=Entry.Kind.BILL,
                year=YEAR,
                month=number,
                booked=month,
                amount=AMOUNT,
            )
    yield Payer(user=user, member=member)
    with schema_context(schema):
        for session in Session.objects.all():
            if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
                session.delete()
        _remove_ledger([member.pk], [month.pk])
        Member.objects.filter(pk=member.pk).delete()
        User.objects.filter(pk=user.pk).delete()
        OrgUnit.objects.filter(pk=branch.pk).delete()


def _phone(new_context: NewContext) -> Page:
    return new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()


def _fits(page: Page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_a_member_pays_two_months_through_the_sandbox_on_a_phone(
    payer: Payer,
    sandbox: sandbox_server.SandboxServer,
    institutions: Institutions,
    browser_server: BrowserServer,
    new_context: NewContext,
) -> None:
    phone = _phone(new_context)
    phone.goto(browser_server.url(institutions.a, "/accounts/login/?next=/dues/mine/"))
    sign_in(phone, payer.user.username, PASSWORD)
    expect(phone.locator("#due")).to_contain_text("合计 25.00 元")
    _fits(phone)
    phone.locator("#due").get_by_role("link", name="去交纳").click()

    expect(phone.get_by_role("heading", name="在线交纳党费")).to_be_visible()
    phone.get_by_label("模拟支付（演示）").check()
    _fits(phone)
    phone.get_by_role("button", name="去支付").click()

    expect(phone.get_by_role("heading", name="党费支付")).to_be_visible()
    _fits(phone)
    phone.get_by_role("link", name="前往支付").click()

    # The sandbox provider's own page, on its own origin.
    expect(phone).to_have_url(re.compile(rf"^{re.escape(sandbox.sandbox.public_url)}/pay/"))
    expect(phone.locator(".amount")).to_have_text("¥ 25.00")
    _fits(phone)
    phone.get_by_role("button", name="确认支付").click()

    # Paid: the sandbox called the live server back, then sent the phone to the order's page.
    expect(phone.locator("[data-receipt]")).to_have_text("党费收据")
    receipt = phone.locator(".receipt")
    expect(receipt).to_contain_text("已支付")
    expect(receipt).to_contain_text("¥25.00")
    expect(receipt).to_contain_text("2026-10 ¥12.50；2026-11 ¥12.50")
    expect(receipt).not_to_contain_text("正在由支部组织委员核对入账")
    _fits(phone)
    receipt_url = phone.url

    with schema_context(institutions.a.schema_name):
        order = PaymentOrder.objects.get(member=payer.member)
        assert order.status == PaymentOrder.Status.PAID and order.provider_txn
        payments = Entry.objects.filter(member=payer.member, kind=Entry.Kind.PAYMENT)
        assert sorted((e.year, e.month, e.amount, e.method, e.reference) for e in payments) == [
            (YEAR, number, -AMOUNT, "sandbox", order.provider_txn) for number in BILLED
        ]
    assert sandbox.sandbox.deliveries == [(order.out_trade_no, 200)]

    # 我的党费: nothing due, and each receipt line leads to the receipt.
    phone.goto(browser_server.url(institutions.a, "/dues/mine/"))
    expect(phone.locator("#due")).to_contain_text("没有待交的党费")
    links = phone.locator("#receipts").get_by_role("link", name=order.provider_txn)
    expect(links).to_have_count(len(BILLED))
    _fits(phone)
    links.first.click()
    expect(phone).to_have_url(receipt_url)
    expect(phone.locator("[data-receipt]")).to_have_text("党费收据")
