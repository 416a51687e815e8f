"""Member pages of the portal, mounted at "members/" on institution sites."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.roster, name="roster"),
    path("me/", views.my_record, name="me"),
    path("new/", views.member_create, name="create"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/status/", views.member_status, name="status"),
    path("<int:pk>/reveal/", views.member_reveal, name="reveal"),
]
