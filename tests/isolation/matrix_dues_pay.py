"""Matrix rows (``matrix.py``) of paying dues online: a member pays their own; an order is seen
by its member and the managers of the member's branch; reconciliation is for managers, each
seeing their branches' lines; the providers' callback is open (its signature is the credential)."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import MANAGERS, MANAGERS_IN_SCOPE, PUBLIC, RECORD_READ, SIGNED_IN, Row

MATRIX: dict[tuple[str, str], Row] = {
    # Anyone signed in may open the pay page (without a member record or bills it says so).
    (TENANT, "dues_pay:start"): Row(SIGNED_IN),
    (TENANT, "dues_pay:order"): Row(RECORD_READ, "payment_order"),
    (TENANT, "dues_pay:check"): Row(RECORD_READ, "payment_order"),
    # An unsigned body is refused (400) whoever sends it.
    (TENANT, "dues_pay:callback"): Row(PUBLIC, kwargs={"provider": "sandbox"}),
    (TENANT, "dues_pay:reconcile"): Row(MANAGERS, "payment_mismatch"),
    (TENANT, "dues_pay:book"): Row(MANAGERS_IN_SCOPE, "payment_mismatch"),
    (TENANT, "dues-pay-periods"): Row(SIGNED_IN),
    # The caller's own orders (the isolation case checks the list); starting one checks the body first.
    (TENANT, "dues-pay-orders"): Row(SIGNED_IN, sees={}, body_first=True),
    (TENANT, "dues-pay-order"): Row(RECORD_READ, "payment_order"),
    (TENANT, "dues-pay-order-check"): Row(RECORD_READ, "payment_order"),
    (TENANT, "dues-pay-mismatches"): Row(MANAGERS, "payment_mismatch"),
    (TENANT, "dues-pay-statements"): Row(MANAGERS, body_first=True),
}
