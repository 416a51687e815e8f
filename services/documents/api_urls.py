"""API routes of documents, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from .api import DocumentFileView, DocumentViewSet, PublicDocumentListView, PublicDocumentSignView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("documents", DocumentViewSet, basename="document")

urlpatterns: list[URLPattern | URLResolver] = [
    path("documents/<int:pk>/versions/<int:number>/file/", DocumentFileView.as_view(), name="document-file"),
    path("committee-documents/", PublicDocumentListView.as_view(), name="public-document-list"),
    path("committee-documents/<int:pk>/sign/", PublicDocumentSignView.as_view(), name="public-document-sign"),
    *router.urls,
]
