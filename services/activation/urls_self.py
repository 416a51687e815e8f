"""Routes a person uses to activate their account or reset a forgotten password (anonymous)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("activate/", views.start_view, name="start"),
    path("activate/verify/", views.verify_view, name="verify"),
    path("activate/password/", views.password_view, name="password"),
    path("activate/slip/", views.slip_view, name="slip"),
    path("password/forgot/", views.forgot_view, name="forgot"),
]
