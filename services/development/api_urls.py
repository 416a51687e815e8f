"""API routes of development, mounted under "api/" on institution sites (named, no namespace):
development-dossier-list, -detail, -steps, -guards, -advance."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from .api import DossierViewSet

router = SimpleRouter()
router.register("development/dossiers", DossierViewSet, basename="development-dossier")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
