"""API routes of notifications, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import api_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("notifications/settings/", api_views.NotificationSettingsView.as_view(), name="notification-settings"),
]
