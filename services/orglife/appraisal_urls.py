"""民主评议 pages, mounted at "orglife/appraisals/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import appraisal_views as views

app_name = "orglife_appraisal"

urlpatterns: list[URLPattern] = [
    path("", views.appraisal_list, name="list"),
    path("new/", views.appraisal_open, name="open"),
    path("<int:pk>/", views.appraisal_detail, name="detail"),
    path("<int:pk>/self/", views.appraisal_self, name="self"),
    path("<int:pk>/rate/", views.appraisal_rate, name="rate"),
    path("<int:pk>/conclude/", views.appraisal_conclude, name="conclude"),
]
