"""Dues bases pages (namespace "dues_bases"), mounted at ``dues/bases/``."""

from __future__ import annotations

from django.urls import path

from . import base_views as views

app_name = "dues_bases"

urlpatterns = [
    path("", views.bases_page, name="list"),
    path("members/<int:pk>/", views.base_edit, name="edit"),
]
