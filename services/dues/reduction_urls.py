"""Reduction pages, mounted at "dues/reductions/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import reduction_views as views

app_name = "dues_reductions"

urlpatterns: list[URLPattern] = [
    path("", views.reduction_list, name="list"),
    path("new/", views.reduction_new, name="new"),
    path("<int:pk>/", views.reduction_detail, name="detail"),
    path("<int:pk>/decide/", views.reduction_decide, name="decide"),
]
