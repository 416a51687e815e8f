"""Portal pages of the dues month and ledger, mounted at "dues/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "dues"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("months/open/", views.month_open, name="month_open"),
    path("months/<int:pk>/close/", views.month_close, name="month_close"),
    path("months/<int:pk>/bill-missing/", views.month_bill_missing, name="month_bill_missing"),
    path("years/<int:year>/close/", views.year_close, name="year_close"),
    path("branches/<int:pk>/<int:year>/<int:month>/", views.month_sheet, name="sheet"),
    path("branches/<int:pk>/<int:year>/<int:month>/export/", views.export_month, name="export_month"),
    path("branches/<int:pk>/<int:year>/export/", views.export_year, name="export_year"),
    path("branches/<int:pk>/settings/", views.branch_settings, name="settings"),
    path("members/<int:pk>/pay/", views.payment, name="payment"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
]
