"""API routes of 考试, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("exams/mine/", api.MyExamsView.as_view(), name="exams-mine"),
    path("exams/<int:pk>/start/", api.StartView.as_view(), name="exams-start"),
    path("exams/<int:pk>/answers/", api.AnswerView.as_view(), name="exams-answer"),
    path("exams/<int:pk>/submit/", api.SubmitView.as_view(), name="exams-submit"),
    path("exams/<int:pk>/result/", api.ResultView.as_view(), name="exams-result"),
    path("exams/questions/", api.QuestionsView.as_view(), name="exams-questions"),
    path("exams/manage/", api.ExamsView.as_view(), name="exams-exams"),
    path("exams/manage/<int:pk>/publish/", api.PublishView.as_view(), name="exams-publish"),
]
