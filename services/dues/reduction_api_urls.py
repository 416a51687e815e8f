"""API routes of reductions, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from .reduction_api import ReductionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("dues/reductions", ReductionViewSet, basename="dues-reduction")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
