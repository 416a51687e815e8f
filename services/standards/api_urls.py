"""API routes of 标准化建设, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from .api import AssessmentViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("standards/assessments", AssessmentViewSet, basename="standards-assessment")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
