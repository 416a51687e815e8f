"""Console routes of the working-day calendar."""

from __future__ import annotations

from django.urls import path

from . import console_views

app_name = "workdays"

urlpatterns = [
    path("", console_views.calendar_list, name="calendar"),
    path("<int:year>.csv", console_views.calendar_csv, name="calendar_csv"),
]
