"""The 组织生活 board and a branch's plan, mounted at "orglife/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import board_views

app_name = "orglife_board"

urlpatterns: list[URLPattern | URLResolver] = [
    path("board/", board_views.board, name="board"),
    path("board/<int:pk>/", board_views.branch_board, name="branch"),
    path("board/<int:pk>/plan/", board_views.plan, name="plan"),
    path("board/<int:pk>/settings/", board_views.settings, name="settings"),
]
