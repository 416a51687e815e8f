"""API routes of check-in, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import checkin_api as api

urlpatterns: list[URLPattern | URLResolver] = [
    # The signed-in user's own check-in and check-out.
    path("orglife/checkin/<int:pk>/", api.CheckinView.as_view(), name="orglife-checkin"),
    path("orglife/checkin/<int:pk>/checkout/", api.CheckoutView.as_view(), name="orglife-checkout"),
    # The host: the screen's state, the attendance list, hand marks and their undo.
    path("orglife/checkin/<int:pk>/state/", api.ScreenStateView.as_view(), name="orglife-checkin-state"),
    path("orglife/checkin/<int:pk>/attendance/", api.AttendanceView.as_view(), name="orglife-checkin-attendance"),
    path("orglife/attendees/<int:pk>/mark/", api.MarkView.as_view(), name="orglife-attendance-mark"),
    path("orglife/attendees/<int:pk>/unmark/", api.UnmarkView.as_view(), name="orglife-attendance-unmark"),
]
