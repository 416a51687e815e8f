"""API routes of development, mounted under "api/" on institution sites (named, no namespace):
development-dossier-list, -detail, -steps, -guards, -advance; development-step-review."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from .api import DossierViewSet, StepViewSet

router = SimpleRouter()
router.register("development/dossiers", DossierViewSet, basename="development-dossier")
router.register("development/steps", StepViewSet, basename="development-step")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
