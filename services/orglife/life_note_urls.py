"""组织生活会 records per participant, mounted at "orglife/life-notes/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import life_note_views

app_name = "orglife_life"

urlpatterns: list[URLPattern] = [
    path("<int:pk>/", life_note_views.life_notes_page, name="notes"),
]
