"""Portal pages of 学习, mounted at "study/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "study"

urlpatterns: list[URLPattern | URLResolver] = []
