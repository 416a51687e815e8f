"""API routes of disclosure and use, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from .disclosure_api import DisclosureViewSet, UnitFiguresView, UnitPublishView, UnitUseView, UseCorrectView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("dues/disclosures", DisclosureViewSet, basename="dues-disclosure")

urlpatterns: list[URLPattern | URLResolver] = [
    path("dues/disclosure/units/<int:pk>/", UnitFiguresView.as_view(), name="dues-disclosure-unit"),
    path("dues/disclosure/units/<int:pk>/publish/", UnitPublishView.as_view(), name="dues-disclosure-publish"),
    path("dues/disclosure/units/<int:pk>/use/", UnitUseView.as_view(), name="dues-disclosure-use"),
    path("dues/use/<int:pk>/correct/", UseCorrectView.as_view(), name="dues-use-correct"),
    path("", include(router.urls)),
]
