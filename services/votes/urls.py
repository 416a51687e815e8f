"""Portal pages of votes, mounted at "votes/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "votes"

urlpatterns: list[URLPattern | URLResolver] = []
