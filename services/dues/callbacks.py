"""The payment providers' callbacks (支付结果通知), one URL per provider: no sign-in, no CSRF token
(the provider's signature is the credential), answered in the provider's expected form.

A callback whose signature, timestamp or body does not check out is refused with a 4xx and an
audit row (the first ``REFUSALS_AUDITED`` a minute from one address; past that a log line), and
nothing else is written. A verified one is booked exactly once
(payments/booking.py); every outcome but a failure to write is acknowledged, so the provider
stops delivering it (what could not be booked waits on the reconciliation page)."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from services.audit.services import audit_record
from services.kernel.actions import current_action
from tenants.db import connection

from .audit_events import EVENT_CALLBACK_REFUSED
from .payments import enabled_providers, provider_for
from .payments.base import Ack, PaymentError, SignatureError
from .payments.booking import payment_record

logger = logging.getLogger("partycloud.dues.payments")
MAX_BODY = 64 * 1024
REFUSALS_AUDITED = 20  # per client address and minute


def _answer(ack: Ack) -> HttpResponse:
    return HttpResponse(ack.body, status=ack.status, content_type=ack.content_type)


def _audited_refusal(address: str) -> bool:
    """True for the first ``REFUSALS_AUDITED`` refusals from one address in a minute: an address that
    sends forged callbacks in a loop gets log lines, not one audit row each."""
    key = f"dues-callback-refused:{connection.schema_name}:{address}"
    if cache.add(key, 1, timeout=60):
        return True
    try:
        return cache.incr(key) <= REFUSALS_AUDITED
    except ValueError:  # expired between the two calls
        return cache.add(key, 1, timeout=60)


def _refuse(provider: str, code: str) -> None:
    action = current_action()
    address = (action.ip if action is not None else None) or ""
    if not _audited_refusal(address):
        logger.warning("refused %s callback from %s (%s): not audited, over %s a minute", provider, address, code,
                       REFUSALS_AUDITED)  # fmt: skip
        return
    with transaction.atomic():
        audit_record(event=EVENT_CALLBACK_REFUSED, detail={"provider": provider, "code": code})


@csrf_exempt
@require_POST
def callback(request: HttpRequest, provider: str) -> HttpResponse:
    if provider not in enabled_providers():
        raise Http404
    try:
        adapter = provider_for(provider)
    except PaymentError as exc:  # a key file missing or unreadable: the provider will deliver again
        logger.error("%s callback cannot be checked: %s", provider, exc)
        return HttpResponse(status=503)
    body = request.body[: MAX_BODY + 1]
    if len(body) > MAX_BODY:
        _refuse(provider, "too_large")
        return _answer(adapter.ack(ok=False, message="too large"))
    try:
        notice = adapter.parse_callback(request.headers, body)
    except SignatureError as exc:
        logger.warning("refused %s callback: %s", provider, exc)
        _refuse(provider, exc.code)
        response = _answer(adapter.ack(ok=False, message="signature"))
        if response.status_code < 400:  # Alipay reads the body, not the status: still say 4xx to the log
            response.status_code = 401
        return response
    except PaymentError as exc:
        # Verified but not a payment (a closed or refunded trade): nothing to book; acknowledged.
        logger.info("%s callback not a payment: %s", provider, exc)
        return _answer(adapter.ack(ok=True))
    payment_record(provider=provider, notice=notice)
    return _answer(adapter.ack(ok=True))
