"""API routes of the dues month and ledger, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from .api import EntryReverseView, MonthCloseView, MonthsView, PaymentView, UnitEntriesView

urlpatterns: list[URLPattern | URLResolver] = [
    path("dues/months/", MonthsView.as_view(), name="dues-months"),
    path("dues/months/<int:pk>/close/", MonthCloseView.as_view(), name="dues-month-close"),
    path(
        "dues/units/<int:pk>/months/<int:year>/<int:month>/entries/",
        UnitEntriesView.as_view(),
        name="dues-unit-entries",
    ),
    path("dues/members/<int:pk>/payments/", PaymentView.as_view(), name="dues-payments"),
    path("dues/entries/<int:pk>/reverse/", EntryReverseView.as_view(), name="dues-entry-reverse"),
]
