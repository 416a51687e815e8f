"""Minutes pages, mounted at "orglife/minutes/" on institution sites (``<pk>``: the meeting)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import minutes_views as views

app_name = "orglife_minutes"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:pk>/", views.minutes_detail, name="detail"),
    path("<int:pk>/start/", views.minutes_start, name="start"),
    path("<int:pk>/edit/", views.minutes_edit, name="edit"),
    path("<int:pk>/attach/", views.minutes_attach, name="attach"),
    path("<int:pk>/finalize/", views.minutes_finalize, name="finalize"),
    path("<int:pk>/addenda/", views.addendum_add, name="addendum_add"),
    path("<int:pk>/pdf/", views.minutes_pdf, name="pdf"),
    path("<int:pk>/publish/", views.summary_publish, name="publish"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("branches/<int:pk>/<int:year>/pdf/", views.year_record_pdf, name="year_pdf"),
]
