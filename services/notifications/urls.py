"""Portal pages of notifications, mounted at "accounts/notifications/" on institution sites."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.preferences, name="preferences"),
]
