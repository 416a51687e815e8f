from __future__ import annotations

from django.core.cache import cache
from django.test import Client

from services.accounts.models import ApiToken
from services.accounts.services import api_token_create
from tenants.models import Institution
from tests.conftest import client_for, host_of, in_schema, make_user
from tests.factories import PASSWORD


def _bearer(institution: Institution, raw: str) -> Client:
    return Client(HTTP_HOST=host_of(institution), HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_token_sign_in_returns_a_token_once_and_stores_only_its_hash(inst_a: Institution) -> None:
    cache.clear()
    make_user(inst_a, username="api")
    response = client_for(inst_a).post(
        "/api/auth/token/", {"username": "api", "password": PASSWORD, "name": "sync"}, content_type="application/json"
    )
    assert response.status_code == 201
    raw = response.json()["token"]
    with in_schema(inst_a):
        stored = ApiToken.objects.get(name="sync")
    assert raw not in (stored.digest, stored.prefix)
    assert _bearer(inst_a, raw).get("/api/me/").json()["username"] == "api"


def test_token_sign_in_with_a_bad_password_is_401(inst_a: Institution) -> None:
    cache.clear()
    make_user(inst_a, username="api")
    response = client_for(inst_a).post(
        "/api/auth/token/", {"username": "api", "password": "nope"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "用户名或密码错误。"


def test_a_token_of_one_institution_means_nothing_on_another(inst_a: Institution, inst_b: Institution) -> None:
    user = make_user(inst_a, username="api")
    with in_schema(inst_a):
        _, raw = api_token_create(user=user, name="t")
    assert _bearer(inst_a, raw).get("/api/me/").status_code == 200
    assert _bearer(inst_b, raw).get("/api/me/").status_code == 401
    assert _bearer(None, raw).get("/api/me/").status_code == 401  # nor on the console


def test_revoked_tokens_stop_working(inst_a: Institution) -> None:
    user = make_user(inst_a, username="api")
    with in_schema(inst_a):
        token, raw = api_token_create(user=user, name="t")
    client = _bearer(inst_a, raw)
    assert client.delete(f"/api/auth/tokens/{token.pk}/").status_code == 204
    assert client.get("/api/me/").status_code == 401


def test_a_password_change_revokes_the_users_api_tokens(inst_a: Institution) -> None:
    """Reproduction 11: API tokens survived a password change (sessions did not)."""
    from services.accounts import audit_events as account_events
    from services.audit.models import AuditEvent

    user = make_user(inst_a, username="api")
    other = make_user(inst_a, username="other")
    with in_schema(inst_a):
        token, raw = api_token_create(user=user, name="sync")
        _, other_raw = api_token_create(user=other, name="sync")
    assert _bearer(inst_a, raw).get("/api/me/").status_code == 200
    new = "Nian-2026-dangjian"
    changed = client_for(inst_a, user).post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert changed.status_code == 302
    answer = _bearer(inst_a, raw).get("/api/me/")
    assert answer.status_code == 401 and answer.json()["detail"] == "令牌无效或已撤销。"
    assert _bearer(inst_a, other_raw).get("/api/me/").status_code == 200  # someone else's token lives on
    with in_schema(inst_a):
        assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
        assert AuditEvent.objects.filter(
            event=account_events.TOKEN_REVOKED, object_id=str(token.pk), detail__reason="password_changed"
        ).exists()


def test_a_password_set_outside_the_service_kills_older_tokens_too(inst_a: Institution) -> None:
    """``manage.py changepassword`` (or any reset that calls set_password) does not go through
    the service: the token's age against the password's still ends it."""
    user = make_user(inst_a, username="api")
    with in_schema(inst_a):
        _, raw = api_token_create(user=user, name="sync")
        user.set_password("Reset-by-admin-2026")
        user.save()
    assert _bearer(inst_a, raw).get("/api/me/").status_code == 401
    with in_schema(inst_a):
        _, fresh = api_token_create(user=user, name="after")
    assert _bearer(inst_a, fresh).get("/api/me/").status_code == 200
