"""Routes managers use: activation status, activation slips."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
