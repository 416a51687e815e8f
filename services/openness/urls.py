"""Portal pages of 党务公开, mounted at "openness/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "openness"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.board, name="board"),
    path("<int:pk>/", views.item_detail, name="item"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("publish/", views.publish, name="publish"),
    path("archive/", views.archive, name="archive"),
]
