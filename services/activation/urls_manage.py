"""Routes managers use: activation status, activation slips."""

from __future__ import annotations

from django.urls import path

from . import views_manage as views

urlpatterns = [
    path("manage/", views.manage, name="manage"),
    path("manage/units/<int:pk>/", views.manage_unit, name="manage_unit"),
    path("manage/slips/", views.slips_new, name="slips_new"),
    path("manage/slips/<uuid:pk>/", views.slip_job, name="slip_job"),
    path("manage/slips/<uuid:pk>/status/", views.slip_job_status, name="slip_job_status"),
    path("manage/slips/<uuid:pk>/download/", views.slip_download, name="slip_download"),
]
