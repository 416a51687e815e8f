"""Every text that reaches the database has a length limit, and single-line text (names, titles,
tags, reasons) no control characters: each was stored, or was a 500, before."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from services.accounts.models import ApiToken
from services.documents.models import Document
from tenants.models import Institution
from tests.api.helpers import admin_client
from tests.conftest import client_for, in_schema, make_user


def test_a_151_character_username_on_token_sign_in_is_a_400_not_a_500_and_needs_no_sign_in(
    inst_a: Institution,
) -> None:
    cache.clear()
    response = client_for(inst_a).post(
        "/api/auth/token/", {"username": "u" * 151, "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 400 and "username" in response.json()


def test_a_token_name_over_100_characters_is_a_400_not_a_varchar_overflow(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    response = client.post("/api/auth/tokens/", {"name": "n" * 101}, content_type="application/json")
    assert response.status_code == 400 and "name" in response.json()
    cache.clear()
    make_user(inst_a, username="api_user")
    login = client_for(inst_a).post(
        "/api/auth/token/",
        {"username": "api_user", "password": "Test-pass-2026!", "name": "n" * 101},
        content_type="application/json",
    )
    assert login.status_code == 400 and "name" in login.json()


@pytest.mark.parametrize("name", ["a\u0007b", "line\nbreak", "tab\there"])
def test_control_characters_in_a_token_name_are_refused(inst_a: Institution, name: str) -> None:
    """A bell is refused by the JSON parser already; line breaks and tabs by the name's validator."""
    client, _ = admin_client(inst_a)
    response = client.post("/api/auth/tokens/", {"name": name}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert "控制字符" in body.get("name", [""])[0] or "U+0007" in body.get("detail", "")
    with in_schema(inst_a):
        assert not ApiToken.objects.filter(name=name).exists()


def test_a_million_character_document_description_is_refused(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)
    response = client.post(
        "/api/documents/",
        {
            "kind": "study",
            "title": "学习材料",
            "description": "说" * 1_000_000,
            "file": SimpleUploadedFile("a.txt", "学习".encode(), content_type="text/plain"),
        },
    )
    assert response.status_code == 400 and "description" in response.json()
    with in_schema(inst_a):
        assert not Document.objects.filter(title="学习材料").exists()


def test_a_document_description_may_hold_line_breaks_but_its_title_may_not(inst_a: Institution) -> None:
    client, _ = admin_client(inst_a)

    def post(title: str) -> object:
        return client.post(
            "/api/documents/",
            {"kind": "study", "title": title, "description": "第一行\n第二行", "file": _text_file()},
        )

    assert post("学习\n材料").status_code == 400  # type: ignore[attr-defined]
    assert post("学习材料").status_code == 201  # type: ignore[attr-defined]


def _text_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("a.txt", io.BytesIO("学习".encode()).getvalue(), content_type="text/plain")


@pytest.mark.parametrize("reason", ["检查\u0000", "检查\u0007", "第一行\n第二行", "长" * 201])
def test_a_suspension_reason_with_a_nul_control_characters_or_over_its_length_is_a_400(
    inst_a: Institution, reason: str
) -> None:
    operator = make_user(None, username="susp_op", platform_role="operator", is_staff=True)
    client = client_for(None, operator)
    response = client.post("/api/institutions/alpha/suspend/", {"reason": reason}, content_type="application/json")
    assert response.status_code == 400, response.content
    inst_a.refresh_from_db()
    assert inst_a.status == Institution.Status.ACTIVE


def test_the_console_page_refuses_the_same_suspension_reason(inst_a: Institution) -> None:
    operator = make_user(None, username="susp_page_op", platform_role="operator", is_staff=True)
    client_for(None, operator).post("/institutions/alpha/suspend/", {"reason": "检查\u0007"})
    inst_a.refresh_from_db()
    assert inst_a.status == Institution.Status.ACTIVE
