"""API routes of transfers, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from .api import BatchStatusView, BatchViewSet, IncomingViewSet, TransferViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# "incoming" and "batches" before the transfer routes: "transfers/<pk>/" would not match them
# anyway (ids are numbers), but the order keeps the intent obvious.
router.register("transfers/incoming", IncomingViewSet, basename="transfer-incoming")
router.register("transfers/batches", BatchViewSet, basename="transfer-batch")
router.register("transfers", TransferViewSet, basename="transfer")

urlpatterns: list[URLPattern | URLResolver] = [
    path("transfers/batches/<uuid:pk>/status/", BatchStatusView.as_view(), name="transfers-batch-status"),
    *router.urls,
]
