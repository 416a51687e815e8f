"""API routes of the organisation tree, mounted under "api/" on institution sites (named, no
namespace): org-unit-list, org-unit-detail and the unit actions; admin-grant-list,
admin-grant-revoke and power-holder-list (grants_api.py)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from . import grants_api
from .api import OrgUnitViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("org-units", OrgUnitViewSet, basename="org-unit")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(router.urls)),
    path("admin-grants/", grants_api.admin_grant_list, name="admin-grant-list"),
    path("admin-grants/<int:pk>/revoke/", grants_api.admin_grant_revoke, name="admin-grant-revoke"),
    path("power-holders/", grants_api.power_holder_list, name="power-holder-list"),
]
