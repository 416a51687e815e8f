"""API routes of meetings, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from .api import LeaveDecideView, MeetingViewSet, MyMeetingsView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("orglife/meetings", MeetingViewSet, basename="orglife-meeting")

urlpatterns: list[URLPattern | URLResolver] = [
    path("orglife/mine/", MyMeetingsView.as_view(), name="orglife-mine"),
    path("orglife/attendees/<int:pk>/leave/decide/", LeaveDecideView.as_view(), name="orglife-leave-decide"),
    path("", include(router.urls)),
]
