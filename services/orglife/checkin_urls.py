"""Check-in pages (docs/orglife.md "Check-in"), mounted at "orglife/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import checkin_host_views, checkin_views

app_name = "orglife_checkin"

urlpatterns: list[URLPattern | URLResolver] = [
    # A member's phone: the QR code's link, the code-entry page, the result and check-out.
    path("c/<int:pk>/<str:token>/", checkin_views.scan, name="scan"),
    path("checkin/", checkin_views.enter, name="enter"),
    path("meetings/<int:pk>/checkin/", checkin_views.done, name="done"),
    path("meetings/<int:pk>/checkout/", checkin_views.checkout, name="checkout"),
    # The host: the screen, its live state, the attendance page and hand marks.
    path("meetings/<int:pk>/screen/", checkin_host_views.screen, name="screen"),
    path("meetings/<int:pk>/screen/state/", checkin_host_views.screen_state_json, name="screen_state"),
    path("meetings/<int:pk>/attendance/", checkin_host_views.attendance, name="attendance"),
    path("attendees/<int:pk>/mark/", checkin_host_views.mark, name="mark"),
    path("attendees/<int:pk>/unmark/", checkin_host_views.unmark, name="unmark"),
]
