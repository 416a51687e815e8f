"""Portal pages of 思想汇报, mounted at "reports/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "thought_reports"

urlpatterns: list[URLPattern | URLResolver] = []
