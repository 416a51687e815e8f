"""Disclosure and use pages, mounted at "dues/disclosure/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import disclosure_views as views

app_name = "dues_disclosure"

urlpatterns: list[URLPattern] = [
    path("", views.disclosure_list, name="list"),
    path("<int:pk>/", views.disclosure_detail, name="detail"),
    path("<int:pk>/pdf/", views.disclosure_pdf_view, name="pdf"),
    path("units/<int:pk>/", views.disclosure_unit, name="unit"),
    path("units/<int:pk>/publish/", views.disclosure_publish, name="publish"),
    path("units/<int:pk>/use/", views.disclosure_use_record, name="use_record"),
    path("use/<int:pk>/correct/", views.disclosure_use_correct, name="use_correct"),
]
