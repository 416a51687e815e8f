"""API routes of 思想汇报, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from .api import ReportViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("thought-reports", ReportViewSet, basename="thought-report")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
