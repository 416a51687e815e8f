"""API routes of the organisation tree, mounted under "api/" on institution sites (named, no
namespace): org-unit-list, org-unit-detail and the unit actions."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from .api import OrgUnitViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("org-units", OrgUnitViewSet, basename="org-unit")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
