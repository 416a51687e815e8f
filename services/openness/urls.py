"""Portal pages of 党务公开, mounted at "openness/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "openness"

urlpatterns: list[URLPattern | URLResolver] = []
