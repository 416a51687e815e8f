"""Roster import and export routes, all in the "member_import" namespace; mount with
``path("", include("services.members.import_urls"))``. None of them collides with the member
API router's ``api/members/<pk>/`` and ``api/members/<pk>/<action>/`` routes (``roster`` and
``national`` are no actions, the status route is one segment longer), whatever the order."""

from __future__ import annotations

from django.urls import path

from . import import_api
from . import import_views as views

app_name = "member_import"

urlpatterns = [
    path("members/import/", views.import_page, name="page"),
    path("members/import/template.xlsx", views.import_template, name="template"),
    path("members/import/export/", views.export_sensitive, name="export"),
    # str, not uuid: a malformed id is a 404 from the view, like any unknown id.
    path("members/import/<str:pk>/", views.import_job, name="job"),
    path("members/import/<str:pk>/confirm/", views.import_confirm, name="confirm"),
    path("members/import/<str:pk>/errors.xlsx", views.import_error_report, name="error_report"),
    path("api/members/import/<uuid:pk>/status/", views.ImportStatusView.as_view(), name="status"),
    # The API of the same jobs: upload, status, confirm.
    path("api/members/imports/", import_api.ImportStartView.as_view(), name="api_start"),
    path("api/members/imports/<uuid:pk>/", import_api.ImportJobView.as_view(), name="api_job"),
    path("api/members/imports/<uuid:pk>/confirm/", import_api.ImportConfirmView.as_view(), name="api_confirm"),
    path("api/members/export/roster/", views.RosterExportView.as_view(), name="export_roster"),
    path("api/members/export/national/", views.NationalExportView.as_view(), name="export_national"),
]
