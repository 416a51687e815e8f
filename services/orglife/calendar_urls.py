"""我的会议日历, mounted at "orglife/calendar/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import calendar_views

app_name = "orglife_calendar"

urlpatterns: list[URLPattern] = [
    path("", calendar_views.calendar_page, name="page"),
    path("<str:token>.ics", calendar_views.calendar_feed, name="feed"),
]
