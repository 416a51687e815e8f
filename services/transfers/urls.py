"""Portal pages of transfers, mounted at "transfers/" on institution sites."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "transfers"

urlpatterns = [
    path("", views.transfer_list, name="transfer_list"),
]
