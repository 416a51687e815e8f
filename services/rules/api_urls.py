"""API routes of the rules, mounted under "api/" on institution sites (named, no namespace):
api-rules, api-rule-overrides."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from .api import RuleListView, RuleOverrideCreateView

urlpatterns: list[URLPattern | URLResolver] = [
    path("rules/", RuleListView.as_view(), name="api-rules"),
    path("rules/overrides/", RuleOverrideCreateView.as_view(), name="api-rule-overrides"),
]
