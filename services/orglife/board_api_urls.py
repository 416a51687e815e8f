"""API route of the compliance figure, mounted under "api/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from .board_api import ComplianceView

urlpatterns: list[URLPattern | URLResolver] = [
    path("orglife/compliance/", ComplianceView.as_view(), name="orglife-compliance"),
]
