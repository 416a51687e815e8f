"""Portal pages of documents, mounted at "documents/" on institution sites."""

from __future__ import annotations

from django.urls import path

from . import public_views, views

app_name = "documents"

urlpatterns = [
    path("", views.library, name="library"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/versions/", views.version_upload, name="version_upload"),
    path("<int:pk>/versions/<int:number>/file/", views.version_file, name="file"),
    path("<int:pk>/versions/<int:number>/restore/", views.version_restore, name="restore"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/receipts/", views.receipts, name="receipts"),
    path("committee/<int:pk>/", public_views.public_detail, name="public_detail"),
    path("committee/<int:pk>/versions/<int:number>/file/", public_views.public_file, name="public_file"),
    path("committee/<int:pk>/sign/", public_views.public_sign, name="public_sign"),
    path("committee/<int:pk>/receipts/", public_views.public_receipts, name="public_receipts"),
]
