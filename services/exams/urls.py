"""Portal pages of 考试, mounted at "exams/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "exams"

urlpatterns: list[URLPattern | URLResolver] = []
