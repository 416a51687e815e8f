"""API routes of minutes, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from .minutes_api import MinutesAddendumView, MinutesFinalizeView, MinutesView

urlpatterns: list[URLPattern | URLResolver] = [
    path("meeting-minutes/<int:pk>/", MinutesView.as_view(), name="meeting-minutes-detail"),
    path("meeting-minutes/<int:pk>/finalize/", MinutesFinalizeView.as_view(), name="meeting-minutes-finalize"),
    path("meeting-minutes/<int:pk>/addenda/", MinutesAddendumView.as_view(), name="meeting-minutes-addenda"),
]
