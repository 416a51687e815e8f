"""The member's pages for paying online (phone-width): choose the months and the provider, then
the order's page — waiting for the provider, or the receipt (printable) once paid. The
organization commissioner's reconciliation page is in reconcile_views.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel.actions import client_ip
from services.kernel.qr import qr_data_uri
from services.kernel.web import run_and_redirect, run_service
from services.members.selectors import member_of
from services.organization.scope import scope_for

from .models import Entry, PaymentOrder
from .payments import enabled_providers
from .payments.orders import order_create, payable_periods
from .payments.sync import order_sync

CHECKOUTS = "dues_pay_checkouts"  # session: out_trade_no → [pay_url, code_url] of the provider


def _callback_url(request: HttpRequest, provider: str) -> str:
    """The provider's callback on this institution's host ("" for a name that is no provider: the
    service refuses it)."""
    if provider not in enabled_providers():
        return ""
    return request.build_absolute_uri(reverse("dues_pay:callback", kwargs={"provider": provider}))


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """The member's outstanding months (or quarters), the providers, and the total."""
    member = member_of(request.user)
    if member is None:
        return render(request, "dues/pay_start.html", {"member": None})
    periods = payable_periods(member)
    providers = [(name, Entry.Method(name).label) for name in enabled_providers()]
    if request.method == "POST":
        provider = request.POST.get("provider", "")
        done = run_service(
            request,
            lambda: order_create(
                acting_user=request.user,
                member=member,
                provider=provider,
                period_keys=request.POST.getlist("period"),
                notify_url=_callback_url(request, provider),
                return_url=lambda no: request.build_absolute_uri(
                    reverse("dues_pay:order", kwargs={"out_trade_no": no})
                ),
                client_ip=client_ip(request) or "127.0.0.1",
            ),
            refusals=True,
        )
        if done.ok and done.value is not None:
            order, checkout = done.value
            # The order's page (our own origin) sends the phone on: a form's redirect to another
            # site would be blocked by the Content-Security-Policy's form-action 'self'.
            request.session[CHECKOUTS] = {
                **request.session.get(CHECKOUTS, {}),
                order.out_trade_no: [checkout.pay_url, checkout.code_url],
            }
            return redirect("dues_pay:order", out_trade_no=order.out_trade_no)
    return render(request, "dues/pay_start.html", {"member": member, "periods": periods, "providers": providers})


def order_for(request: HttpRequest, out_trade_no: str) -> PaymentOrder:
    """The order, for its member or the managers of the member's branch; 404 for anyone else."""
    order = (
        PaymentOrder.objects.select_related("member__branch")
        .prefetch_related("lines")
        .filter(out_trade_no=out_trade_no)
        .first()
    )
    if order is None:
        raise Http404
    own = order.member.user_id == request.user.pk
    if not own and not scope_for(request.user).covers_unit(order.member.branch, manage=True):
        raise Http404
    return order


@login_required
def order(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    """Waiting for the provider (with a button that asks it), or the receipt."""
    found = order_for(request, out_trade_no)
    entries = Entry.objects.filter(note=found.out_trade_no, kind=Entry.Kind.PAYMENT, reference=found.provider_txn)
    pay_url, code_url = request.session.get(CHECKOUTS, {}).get(found.out_trade_no, ["", ""])
    waiting = found.status == PaymentOrder.Status.CREATED
    return render(
        request,
        "dues/pay_order.html",
        {
            "order": found,
            "lines": list(found.lines.all()),
            "booked": entries.exists() if found.provider_txn else False,
            "pay_url": pay_url if waiting else "",
            "code_qr": qr_data_uri(code_url) if waiting and code_url else "",
        },
    )


@login_required
@require_POST
def check(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    """Ask the provider how the order stands (a callback may be late or lost)."""
    found = order_for(request, out_trade_no)
    to = reverse("dues_pay:order", kwargs={"out_trade_no": found.out_trade_no})
    return run_and_redirect(
        request,
        lambda: order_sync(acting_user=request.user, order=found),
        success=lambda state: {"paid": _("已确认支付。"), "pending": _("尚未收到支付结果，请稍后再查询。")}.get(
            state, _("订单未支付或已关闭。")
        ),
        to=to,
    )
