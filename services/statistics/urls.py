"""Pages of 党内统计年报, mounted at "statistics/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "statistics"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.tables, name="tables"),
    path("export/", views.export, name="export"),
]
