"""Portal pages of 意见征集, mounted at "surveys/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "surveys"

urlpatterns: list[URLPattern | URLResolver] = []
