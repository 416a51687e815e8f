"""API routes of 民主评议, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from .appraisal_api import AppraisalViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("orglife/appraisals", AppraisalViewSet, basename="orglife-appraisal")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
