"""Arrears pages, mounted at "dues/arrears/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import arrears_views

app_name = "dues_arrears"

urlpatterns: list[URLPattern] = [
    path("", arrears_views.arrears_list, name="list"),
    path("cases/<int:pk>/", arrears_views.arrears_case, name="case"),
]
