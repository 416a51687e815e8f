"""API routes of the dues bases, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import base_api, mine_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("dues/bases/", base_api.BaseListView.as_view(), name="dues-bases"),
    path("dues/bases/members/<int:pk>/", base_api.MemberBasesView.as_view(), name="dues-member-bases"),
    path("dues/mine/", mine_api.MyDuesView.as_view(), name="dues-mine"),
]
