"""API routes of 意见征集, mounted under "api/" on institution sites (named, no namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from .api import MySurveysView, SurveyAnswerView, SurveyDetailView, SurveyResultsView

urlpatterns: list[URLPattern | URLResolver] = [
    path("surveys/", MySurveysView.as_view(), name="survey-list"),
    path("surveys/<int:pk>/", SurveyDetailView.as_view(), name="survey-detail"),
    path("surveys/<int:pk>/answer/", SurveyAnswerView.as_view(), name="survey-answer"),
    path("surveys/<int:pk>/results/", SurveyResultsView.as_view(), name="survey-results"),
]
