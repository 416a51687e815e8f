"""A form or an API call without a valid CSRF token is refused in the user's language: a Chinese
page for browsers, the API's JSON error (code ``csrf_failed``) on /api/ paths — not Django's
English "Forbidden (403) CSRF verification failed" page, nor DRF's "CSRF Failed: …"."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_context

from services.accounts.models import ApiToken
from tenants.models import Institution
from tests.conftest import host_of, in_schema, make_user

EXPIRED = "页面已过期或安全校验未通过，请刷新后重试。"


def strict_client(institution: Institution | None, *, language: str | None = None, signed_in: bool = False) -> Client:
    """A client that, like a browser, gets no pass on CSRF checks (Django's test client's default)."""
    client = Client(HTTP_HOST=host_of(institution), enforce_csrf_checks=True)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if signed_in:
        user = make_user(institution, username="csrf-user")
        with schema_context(institution.schema_name if institution else "public"):
            client.force_login(user)
    return client


def test_a_form_posted_without_its_csrf_token_shows_the_chinese_expired_page(inst_a: Institution) -> None:
    response = strict_client(inst_a).post("/accounts/login/", {"username": "someone", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert EXPIRED in page
    assert "CSRF" not in page and "Forbidden" not in page


def test_the_expired_page_is_english_for_a_user_who_chose_english(inst_a: Institution) -> None:
    response = strict_client(inst_a, language="en").post("/accounts/login/", {"username": "someone"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "The page has expired or its security check failed" in page
    assert EXPIRED not in page


def test_the_console_shows_the_same_page(db: None) -> None:
    response = strict_client(None).post("/accounts/login/", {"username": "someone"})
    assert response.status_code == 403
    assert EXPIRED in response.content.decode()


def test_an_api_call_on_a_session_without_its_csrf_token_is_a_json_csrf_failed(inst_a: Institution) -> None:
    client = strict_client(inst_a, signed_in=True)
    response = client.post("/api/auth/tokens/", {"name": "from a forged form"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": EXPIRED, "code": "csrf_failed"}
    with in_schema(inst_a):
        assert not ApiToken.objects.filter(name="from a forged form").exists()


def test_the_csrf_failure_view_answers_json_on_api_paths(inst_a: Institution) -> None:
    """Paths under /api/ that Django itself protects (not DRF) get the API's shape too."""
    from django.test import RequestFactory

    from partycloud.csrf import csrf_failure

    response = csrf_failure(RequestFactory(HTTP_HOST=host_of(inst_a)).post("/api/anything/"), reason="x")
    assert response.status_code == 403
    assert response.content.decode() == f'{{"detail": "{EXPIRED}", "code": "csrf_failed"}}'
