"""Portal pages of development, mounted at "development/" on institution sites."""

from __future__ import annotations

from django.urls import path

from . import template_views, views

app_name = "development"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.dossier_create, name="create"),
    path("template/", template_views.template_page, name="template"),
    path("template/local/<int:pk>/toggle/", template_views.local_step_toggle, name="local_step_toggle"),
    path("<int:pk>/", views.dossier_detail, name="dossier"),
    path("<int:pk>/steps/new/", views.step_record, name="step_record"),
    path("<int:pk>/contacts/", views.contact_assign, name="contact_assign"),
    path("<int:pk>/advance/", views.advance, name="advance"),
    path("<int:pk>/probation/", views.probation_extend, name="probation_extend"),
    path("<int:pk>/end/", views.dossier_end, name="end"),
    path("steps/<int:pk>/review/", views.step_review, name="step_review"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("contacts/<int:pk>/end/", views.contact_end, name="contact_end"),
]
