"""Portal pages of transfers, mounted at "transfers/" on institution sites."""

from __future__ import annotations

from django.urls import path

from . import batch_views, views

app_name = "transfers"

urlpatterns = [
    path("", views.transfer_list, name="transfer_list"),
    path("new/", views.member_pick, name="pick"),
    path("member/<int:pk>/internal/", views.internal_new, name="internal_new"),
    path("member/<int:pk>/platform/", views.platform_new, name="platform_new"),
    path("member/<int:pk>/external/", views.external_new, name="external_new"),
    path("<int:pk>/", views.transfer_detail, name="detail"),
    path("<int:pk>/letter.pdf", views.letter_pdf, name="letter_pdf"),
    path("<int:pk>/stub/", views.stub_return, name="stub_return"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("incoming/<int:pk>/", views.incoming_detail, name="incoming"),
    path("incoming/<int:pk>/accept/", views.incoming_accept, name="incoming_accept"),
    path("incoming/<int:pk>/reject/", views.incoming_reject, name="incoming_reject"),
    # str, not uuid: a malformed id is an empty batch, like any unknown id.
    path("incoming/batch/<str:batch_id>/", views.incoming_batch, name="incoming_batch"),
    path("batch/", batch_views.batch_new, name="batch_new"),
    path("batch/<str:pk>/", batch_views.batch_detail, name="batch"),
    path("batch/<str:pk>/results.csv", batch_views.batch_export, name="batch_export"),
]
