"""API routes of arrears, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from .arrears_api import ArrearsView, CaseViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("dues/arrears/cases", CaseViewSet, basename="dues-arrears-case")

urlpatterns: list[URLPattern | URLResolver] = [
    path("dues/arrears/", ArrearsView.as_view(), name="dues-arrears"),
    path("", include(router.urls)),
]
