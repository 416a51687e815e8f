"""API routes of votes, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from .api import ElectorExcludeView, ElectorIncludeView, VoteViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("votes", VoteViewSet, basename="vote")

urlpatterns: list[URLPattern | URLResolver] = [
    path("vote-electors/<int:pk>/exclude/", ElectorExcludeView.as_view(), name="vote-elector-exclude"),
    path("vote-electors/<int:pk>/include/", ElectorIncludeView.as_view(), name="vote-elector-include"),
    path("", include(router.urls)),
]
