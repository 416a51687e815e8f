"""API routes of paying dues online, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import pay_api as api

urlpatterns: list[URLPattern | URLResolver] = [
    # The member's own: what to pay, orders, one order, asking the provider.
    path("dues/pay/periods/", api.PeriodsView.as_view(), name="dues-pay-periods"),
    path("dues/pay/orders/", api.OrdersView.as_view(), name="dues-pay-orders"),
    path("dues/pay/orders/<str:out_trade_no>/", api.OrderView.as_view(), name="dues-pay-order"),
    path("dues/pay/orders/<str:out_trade_no>/check/", api.OrderCheckView.as_view(), name="dues-pay-order-check"),
    # The managers: reconciliation lines and statements.
    path("dues/pay/mismatches/", api.MismatchesView.as_view(), name="dues-pay-mismatches"),
    path("dues/pay/statements/", api.StatementsView.as_view(), name="dues-pay-statements"),
]
