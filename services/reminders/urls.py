"""Portal pages of reminders, mounted at "reminders/" on institution sites."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
]
