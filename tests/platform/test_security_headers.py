from __future__ import annotations

from django.conf import settings

from tenants.models import Institution
from tests.conftest import client_for


def test_pages_carry_csp_and_framing_headers(inst_a: Institution) -> None:
    response = client_for(inst_a).get("/accounts/login/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_cookies_are_secure_http_only_and_host_only_by_default() -> None:
    # The test environment leaves HTTPS unset, which is the production default.
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_DOMAIN is None


def test_interface_is_chinese_first_whatever_the_browser_asks(inst_a: Institution) -> None:
    response = client_for(inst_a).get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in response.content.decode()


def test_language_switcher_choice_is_kept_in_a_cookie(inst_a: Institution) -> None:
    client = client_for(inst_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()
