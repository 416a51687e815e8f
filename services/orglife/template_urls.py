"""会议程序模板, mounted at "orglife/templates/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import template_views

app_name = "orglife_templates"

urlpatterns: list[URLPattern] = [
    path("", template_views.templates_page, name="page"),
    path("local/<int:pk>/toggle/", template_views.local_step_toggle, name="local_step_toggle"),
]
