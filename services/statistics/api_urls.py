"""API routes of 党内统计年报, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("statistics/tables/", api.TablesView.as_view(), name="statistics-tables"),
    path("statistics/tables/export/", api.TablesExportView.as_view(), name="statistics-tables-export"),
]
