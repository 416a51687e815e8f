"""Portal pages of documents, mounted at "documents/" on institution sites."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.library, name="library"),
]
