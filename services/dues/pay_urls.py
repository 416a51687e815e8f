"""Paying dues online (docs/dues.md "Paying online"), mounted at "dues/pay/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import callbacks, pay_views, reconcile_views

app_name = "dues_pay"

urlpatterns: list[URLPattern | URLResolver] = [
    # The member: choose and pay, the order's page and receipt, asking the provider.
    path("", pay_views.start, name="start"),
    path("orders/<str:out_trade_no>/", pay_views.order, name="order"),
    path("orders/<str:out_trade_no>/check/", pay_views.check, name="check"),
    # The providers' callbacks: no sign-in, the signature is the credential.
    path("callback/<str:provider>/", callbacks.callback, name="callback"),
    # The organization commissioner: statements and the reconciliation lines.
    path("reconcile/", reconcile_views.reconcile, name="reconcile"),
    path("reconcile/<int:pk>/book/", reconcile_views.book, name="book"),
]
