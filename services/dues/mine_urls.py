"""The member's own dues pages (namespace "dues_mine"), mounted at ``dues/mine/``."""

from __future__ import annotations

from django.urls import path

from . import mine_views as views

app_name = "dues_mine"

urlpatterns = [
    path("", views.mine_page, name="page"),
    path("declare/", views.declare_page, name="declare"),
]
