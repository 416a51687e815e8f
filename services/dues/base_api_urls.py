"""API routes of the dues bases, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import base_api, base_import_api, mine_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("dues/bases/", base_api.BaseListView.as_view(), name="dues-bases"),
    path("dues/bases/members/<int:pk>/", base_api.MemberBasesView.as_view(), name="dues-member-bases"),
    path("dues/bases/imports/", base_import_api.PayrollImportStartView.as_view(), name="dues-bases-imports"),
    path("dues/bases/imports/<uuid:pk>/", base_import_api.PayrollImportJobView.as_view(), name="dues-bases-import"),
    path(
        "dues/bases/imports/<uuid:pk>/confirm/",
        base_import_api.PayrollImportConfirmView.as_view(),
        name="dues-bases-import-confirm",
    ),
    path("dues/bases/declarations/", base_api.DeclarationListView.as_view(), name="dues-declarations"),
    path(
        "dues/bases/declarations/<int:pk>/decide/",
        base_api.DeclarationDecideView.as_view(),
        name="dues-declaration-decide",
    ),
    path("dues/mine/", mine_api.MyDuesView.as_view(), name="dues-mine"),
    path("dues/mine/declarations/", mine_api.MyDeclarationsView.as_view(), name="dues-mine-declarations"),
]
