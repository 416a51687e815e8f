"""Console (public-schema) routes of transfer_exchange."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "transfer_exchange"

urlpatterns = [
    path("transfers/", views.in_flight, name="in_flight"),
]
