"""Dues bases pages (namespace "dues_bases"), mounted at ``dues/bases/``."""

from __future__ import annotations

from django.urls import path

from . import base_import_views as imports
from . import base_views as views

app_name = "dues_bases"

urlpatterns = [
    path("", views.bases_page, name="list"),
    path("members/<int:pk>/", views.base_edit, name="edit"),
    path("declarations/", views.declarations_page, name="declarations"),
    path("declarations/<int:pk>/decide/", views.declaration_decide, name="declaration"),
    path("import/", imports.import_page, name="import"),
    path("import/template.xlsx", imports.import_template, name="import_template"),
    # str, not uuid: a malformed id is a 404 from the view, like any unknown id.
    path("import/<str:pk>/", imports.import_job, name="import_job"),
    path("import/<str:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/<str:pk>/errors.xlsx", imports.import_error_report, name="import_errors"),
]
