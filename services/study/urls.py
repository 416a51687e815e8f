"""Portal pages of 学习, mounted at "study/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import manage_views, views

app_name = "study"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mine, name="mine"),
    path("materials/<int:pk>/", views.material, name="material"),
    path("materials/<int:pk>/file/", views.material_file, name="material_file"),
    path("training/", views.training, name="training"),
    path("training/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("training/<int:pk>/decide/", views.decide, name="decide"),
    path("review/", views.review, name="review"),
    path("branches/", views.branches, name="branches"),
    path("branches/<int:pk>/", views.branch, name="branch"),
    path("manage/", manage_views.manage, name="manage"),
    path("manage/courses/<int:pk>/materials/", manage_views.material_add, name="material_add"),
    path("manage/plans/", manage_views.plan_save, name="plan_save"),
]
