"""API routes of members, mounted under "api/" on institution sites (named, no namespace):
member-list, member-detail and the member actions."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from .api import MemberViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("members", MemberViewSet, basename="member")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
