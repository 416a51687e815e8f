"""/healthz asks the configured search backend itself (through services/search), up or down."""

from __future__ import annotations

from django.test import Client


def test_healthz_reports_the_configured_search_backend(backend) -> None:
    check = Client(HTTP_HOST="localhost").get("/healthz").json()["checks"]["search"]
    assert check["ok"] is True, check
    assert check["backend"] == backend.name


def test_healthz_fails_when_elasticsearch_does_not_answer(settings, db) -> None:
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    response = Client(HTTP_HOST="localhost").get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["search"]["ok"] is False
