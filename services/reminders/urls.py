"""Portal pages of reminders, mounted at "reminders/" on institution sites."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.inbox, name="inbox"),
]
