"""Portal pages of votes, mounted at "votes/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "votes"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.vote_list, name="list"),
    path("new/", views.vote_create, name="create"),
    path("<int:pk>/", views.vote_detail, name="detail"),
    path("<int:pk>/record/", views.vote_record, name="record"),
    path("<int:pk>/result/", views.vote_result, name="result"),
    path("<int:pk>/delete/", views.vote_delete, name="delete"),
    path("electors/<int:pk>/exclude/", views.elector_exclude, name="elector_exclude"),
    path("electors/<int:pk>/include/", views.elector_include, name="elector_include"),
]
