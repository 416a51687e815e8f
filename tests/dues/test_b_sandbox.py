"""The sandbox provider on loopback, end to end: the member chooses months on the pay page, the
app creates the order at the sandbox (signed), the phone confirms on the sandbox's page, the
sandbox's signed callback books the months, the receipt shows; replays add nothing; a lost
callback is made good by asking the sandbox; its statement reconciles with no difference."""

from __future__ import annotations

import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from services.dues import sandbox_server
from services.dues.models import Entry, Month, PaymentOrder
from services.dues.payments.models import Mismatch
from services.dues.payments.sandbox import SandboxPay
from tests.conftest import client_for
from tests.dues.b_support import Keys, bill, providers_fixture  # noqa: F401
from tests.orglife.conftest import Branch

pytestmark = pytest.mark.django_db


@dataclass
class Deliveries:
    """The sandbox's callbacks, caught on their way out and handed to the app's test client."""

    sent: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)

    def forward(self, client: Client) -> list[int]:
        statuses = []
        while self.sent:
            url, body, headers = self.sent.pop(0)
            extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k.startswith("X-")}
            path = url.split("://", 1)[1].split("/", 1)[1]
            statuses.append(client.post("/" + path, data=body, content_type="application/json", **extra).status_code)
        return statuses


@pytest.fixture
def sandbox(providers: Keys, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Deliveries]]:
    deliveries = Deliveries()

    def catch(url: str, body: bytes, headers: dict[str, str], timeout: float = 10) -> int:
        deliveries.sent.append((url, body, headers))
        return 200

    monkeypatch.setattr(sandbox_server, "post", catch)
    server = sandbox_server.serve(key=providers.sandbox)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.DUES_SANDBOX_URL = server.sandbox.public_url
    try:
        yield server, deliveries
    finally:
        server.shutdown()
        server.server_close()


def order_page(order: PaymentOrder) -> str:
    return reverse("dues_pay:order", kwargs={"out_trade_no": order.out_trade_no})


def browser(url: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
    """What the phone does on the sandbox's page (no redirects followed)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=urlencode(data).encode() if data else None)  # noqa: S310
    try:
        with opener.open(request, timeout=5) as answer:
            return answer.status, answer.read().decode(), answer.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), exc.headers.get("Location", "")


def test_pay_through_the_sandbox_end_to_end(inst_a: Any, branch: Branch, open_month: Month, sandbox: Any) -> None:
    server, deliveries = sandbox
    member = branch.members[0]
    bill(member, open_month, number=10, amount="12.50")
    bill(member, open_month, number=11, amount="12.50")
    phone = client_for(inst_a, branch.secretary)
    page = phone.get(reverse("dues_pay:start"))
    assert page.status_code == 200 and "2026年10月" in page.content.decode() and "¥12.50" in page.content.decode()
    started = phone.post(reverse("dues_pay:start"), {"period": ["2026-10", "2026-11"], "provider": "sandbox"})
    order = PaymentOrder.objects.get()
    assert order.amount == 25 and order.months == [[2026, 10], [2026, 11]]
    # The form lands on our own order page (CSP form-action 'self'), which links to the provider's page.
    assert started.status_code == 302 and started["Location"] == order_page(order)
    pay_url = re.search(r'href="([^"]+)" data-pay-url', phone.get(order_page(order)).content.decode())[1]
    assert pay_url.startswith(server.sandbox.public_url + "/pay/")

    status, text, _ = browser(pay_url)
    assert status == 200 and "确认支付" in text and "25.00" in text
    status, _, location = browser(pay_url, {"action": "pay"})
    assert status == 303 and location.endswith(reverse("dues_pay:order", kwargs={"out_trade_no": order.out_trade_no}))
    assert deliveries.forward(Client(HTTP_HOST=phone.defaults["HTTP_HOST"])) == [200]

    entries = Entry.objects.filter(member=member, kind=Entry.Kind.PAYMENT)
    assert sorted((e.month, e.amount, e.method) for e in entries) == [(10, -12.5, "sandbox"), (11, -12.5, "sandbox")]
    order.refresh_from_db()
    receipt = phone.get(reverse("dues_pay:order", kwargs={"out_trade_no": order.out_trade_no})).content.decode()
    assert "党费收据" in receipt and "已支付" in receipt and order.provider_txn in receipt and member.name in receipt
    # 我的党费's receipts lead back to the order's receipt, once per month paid.
    mine = phone.get(reverse("dues_mine:page")).content.decode()
    assert mine.count(f'<a href="{order_page(order)}">{order.provider_txn}</a>') == 2

    # The sandbox delivers the same callback twice more (a replay): nothing new.
    adapter = SandboxPay(url=server.sandbox.public_url, key=server.sandbox.key)
    status, raw = adapter._call("POST", f"/v1/orders/{order.out_trade_no}/notify", {"times": 2})
    assert status == 200 and json.loads(raw)["statuses"] == [200, 200]
    assert deliveries.forward(Client(HTTP_HOST=phone.defaults["HTTP_HOST"])) == [200, 200]
    assert entries.count() == 2 and not Mismatch.objects.exists()

    # The day's statement from the sandbox reconciles with no difference.
    commissioner = client_for(inst_a, branch.secretary)
    day = timezone.localdate().isoformat()
    done = commissioner.post(reverse("dues_pay:reconcile"), {"provider": "sandbox", "day": day})
    assert done.status_code == 302
    assert not Mismatch.objects.exists()


def test_a_lost_callback_is_made_good_by_asking(inst_a: Any, branch: Branch, open_month: Month, sandbox: Any) -> None:
    server, deliveries = sandbox
    bill(branch.members[0], open_month)
    phone = client_for(inst_a, branch.secretary)
    phone.post(reverse("dues_pay:start"), {"provider": "sandbox"})
    order = PaymentOrder.objects.get()
    browser(f"{server.sandbox.public_url}/pay/{order.out_trade_no}", {"action": "pay"})
    deliveries.sent.clear()  # the callback never arrives
    waiting = phone.get(reverse("dues_pay:order", kwargs={"out_trade_no": order.out_trade_no}))
    assert "我已支付" in waiting.content.decode()
    phone.post(reverse("dues_pay:check", kwargs={"out_trade_no": order.out_trade_no}))
    assert (
        Entry.objects.filter(kind=Entry.Kind.PAYMENT, reference=server.sandbox.orders[order.out_trade_no].txn).count()
        == 1
    )
    order.refresh_from_db()
    assert order.status == "paid"


def test_sandbox_refuses_unsigned_requests(sandbox: Any) -> None:
    server, _ = sandbox
    request = urllib.request.Request(server.sandbox.public_url + "/v1/orders", data=b"{}", method="POST")  # noqa: S310
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)  # noqa: S310
    assert refused.value.code == 401
