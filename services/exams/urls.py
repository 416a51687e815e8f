"""Portal pages of 考试, mounted at "exams/" on institution sites."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import import_views, manage_views, views

app_name = "exams"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.exam_page, name="exam"),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/take/", views.take, name="take"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/result/", views.result, name="result"),
    path("<int:pk>/leaderboard/", views.leaderboard_choice, name="leaderboard"),
    path("manage/", manage_views.manage, name="manage"),
    path("manage/new/", manage_views.exam_new, name="exam_new"),
    path("manage/<int:pk>/", manage_views.report, name="report"),
    path("manage/<int:pk>/edit/", manage_views.exam_edit, name="exam_edit"),
    path("manage/<int:pk>/publish/", manage_views.exam_publish, name="exam_publish"),
    path("manage/marking/", manage_views.marking_queue, name="marking"),
    path("manage/marking/<int:pk>/", manage_views.mark, name="mark"),
    path("bank/", manage_views.question_list, name="bank"),
    path("bank/new/", manage_views.question_new, name="question_new"),
    path("bank/<int:pk>/", manage_views.question_edit, name="question_edit"),
    path("bank/<int:pk>/toggle/", manage_views.question_toggle, name="question_toggle"),
    path("bank/import/", import_views.import_page, name="import"),
    path("bank/export/", import_views.export, name="export"),
]
