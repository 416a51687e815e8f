"""API routes of 学习, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("study/open/", api.StudyOpenView.as_view(), name="study-open"),
    path("study/heartbeat/", api.StudyBeatView.as_view(), name="study-heartbeat"),
    path("study/mine/", api.MyStudyView.as_view(), name="study-mine"),
    path("study/trainings/", api.TrainingsView.as_view(), name="study-trainings"),
    path("study/trainings/<int:pk>/decide/", api.TrainingDecideView.as_view(), name="study-training-decide"),
    path("study/branches/", api.BranchesView.as_view(), name="study-branches"),
]
