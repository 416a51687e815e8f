"""Clients for the cross-cutting API tests."""

from __future__ import annotations

from django.test import Client

from services.accounts.models import User
from tenants.models import Institution
from tests.conftest import client_for, make_user


def admin_client(institution: Institution, username: str = "api_admin") -> tuple[Client, User]:
    """A session client of an institution administrator (sees and manages everything)."""
    admin = make_user(institution, username=username, is_superuser=True)
    return client_for(institution, admin), admin


def assert_problem(response, *, status: int = 400, code: str | None = None, mentions: str = "") -> dict:  # type: ignore[no-untyped-def]
    """An API error in the one error shape, in Chinese, that names what was wrong."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "code"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    if code is not None:
        assert body["code"] == code, body
    assert mentions in body["detail"], body
    return body
