"""Portal pages of search, mounted at "search/" on institution sites."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("", views.page, name="page"),
]
