"""API routes of search, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("search/", api.SearchView.as_view(), name="api-search"),
    path("search/suggest/", api.SuggestView.as_view(), name="api-search-suggest"),
]
