"""Routes a person uses to activate their account or reset a forgotten password (anonymous)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
