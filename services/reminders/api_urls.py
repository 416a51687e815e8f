"""API routes of reminders, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("reminders/", api.ReminderListView.as_view(), name="reminder-list"),
    path("reminders/<int:pk>/read/", api.ReminderReadView.as_view(), name="reminder-read"),
    path("reminders/read-all/", api.ReminderReadAllView.as_view(), name="reminder-read-all"),
    path("reminders/preferences/", api.ReminderPreferenceView.as_view(), name="reminder-preferences"),
]
