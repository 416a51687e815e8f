"""Portal pages of 思想汇报, mounted at "reports/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "thought_reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/annotate/", views.annotate, name="annotate"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
