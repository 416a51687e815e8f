"""Portal pages of meetings, mounted at "orglife/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "orglife"

urlpatterns: list[URLPattern | URLResolver] = [
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/leave/", views.leave_request, name="leave_request"),
    path("leave/", views.leave_list, name="leave_list"),
    path("attendees/<int:pk>/decide/", views.leave_decide, name="leave_decide"),
    path("branches/<int:pk>/groups/", views.groups, name="groups"),
]
