from __future__ import annotations

from django.urls import path

from . import local_views, views

app_name = "standards"

urlpatterns = [
    path("", views.home, name="home"),
    path("branches/<int:pk>/", views.branch, name="branch"),
    path("branches/<int:pk>/start/", views.start, name="start"),
    path("assessments/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence_file"),
    path("assessments/<int:pk>/note/", views.note, name="note"),
    path("assessments/<int:pk>/submit/", views.submit, name="submit"),
    path("assessments/<int:pk>/review/", views.review, name="review"),
    path("local/", local_views.local_list, name="local"),
    path("local/<int:pk>/", local_views.local_detail, name="local_detail"),
    path("local/<int:pk>/publish/", local_views.local_publish, name="local_publish"),
    path("local/<int:pk>/delete/", local_views.local_delete, name="local_delete"),
    path("local/<int:pk>/export/", local_views.local_export, name="local_export"),
]
