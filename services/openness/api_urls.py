"""API routes of 党务公开, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from .api import ArchiveView, ItemDetailView, ItemListView, ItemWithdrawView

urlpatterns: list[URLPattern | URLResolver] = [
    path("openness/items/", ItemListView.as_view(), name="openness-item-list"),
    path("openness/items/<int:pk>/", ItemDetailView.as_view(), name="openness-item-detail"),
    path("openness/items/<int:pk>/withdraw/", ItemWithdrawView.as_view(), name="openness-item-withdraw"),
    path("openness/archive/", ArchiveView.as_view(), name="openness-archive"),
]
