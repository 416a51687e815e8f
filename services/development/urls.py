"""Portal pages of development, mounted at "development/" on institution sites."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "development"

urlpatterns = [
    path("", views.board, name="board"),
]
