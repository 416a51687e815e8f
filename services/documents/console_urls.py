"""Console (public-schema) routes of documents: what the municipal committee publishes to every institution."""

from __future__ import annotations

from django.urls import path

from . import console_views

app_name = "documents"

urlpatterns = [
    path("", console_views.console_list, name="console_list"),
    path("<int:pk>/", console_views.console_detail, name="console_detail"),
    path("<int:pk>/versions/", console_views.console_version, name="console_version"),
    path("<int:pk>/versions/<int:number>/file/", console_views.console_file, name="console_file"),
    path("<int:pk>/delete/", console_views.console_delete, name="console_delete"),
]
