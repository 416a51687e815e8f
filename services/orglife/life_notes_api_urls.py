"""API route of the 组织生活会 record, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from .life_notes_api import LifeNotesView

urlpatterns: list[URLPattern | URLResolver] = [
    path("orglife/life-notes/<int:pk>/", LifeNotesView.as_view(), name="orglife-life-notes"),
]
