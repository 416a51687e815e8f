"""Portal pages of 意见征集, mounted at "surveys/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import manage_views, views

app_name = "surveys"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.survey_list, name="list"),
    path("<int:pk>/", views.survey_answer, name="answer"),
    path("<int:pk>/results/", views.survey_results_page, name="results"),
    path("<int:pk>/results.xlsx", views.survey_export, name="export"),
    path("manage/", manage_views.manage_list, name="manage"),
    path("manage/new/", manage_views.survey_create, name="create"),
    path("manage/<int:pk>/", manage_views.survey_edit, name="edit"),
    path("manage/<int:pk>/sections/", manage_views.section_add, name="section_add"),
    path("manage/<int:pk>/open/", manage_views.survey_open, name="open"),
    path("manage/<int:pk>/close/", manage_views.survey_close, name="close"),
    path("manage/<int:pk>/publish/", manage_views.results_publish, name="publish"),
    path("manage/<int:pk>/delete/", manage_views.survey_delete, name="delete"),
    path("manage/sections/<int:pk>/questions/", manage_views.question_add, name="question_add"),
    path("manage/sections/<int:pk>/delete/", manage_views.section_delete, name="section_delete"),
    path("manage/questions/<int:pk>/delete/", manage_views.question_delete, name="question_delete"),
]
