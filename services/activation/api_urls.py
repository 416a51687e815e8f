"""Activation API routes (mounted under /api/)."""

from __future__ import annotations

from django.urls import path

from . import api

urlpatterns = [
    path("activation/sheets/", api.SheetStartView.as_view(), name="activation-sheets"),
    path("activation/sheets/<uuid:pk>/", api.SheetJobView.as_view(), name="activation-sheet-job"),
    path("activation/sheets/<uuid:pk>/download/", api.SheetDownloadView.as_view(), name="activation-sheet-download"),
    path("activation/status/", api.ActivationStatusView.as_view(), name="activation-status"),
]
