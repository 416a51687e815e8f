from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from services.accounts.models import User
from services.accounts.passwords import CharacterClassValidator, MaximumLengthValidator
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user


def test_default_profile_has_no_composition_rules(db: None) -> None:
    validate_password("correct horse battery staple")  # long, lower case only: fine under ASVS


@pytest.mark.parametrize("weak", ["password", "12345678", "short"])
def test_default_profile_refuses_common_and_short_passwords(db: None, weak: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_mlps_profile_needs_three_character_classes() -> None:
    validator = CharacterClassValidator()
    with pytest.raises(ValidationError, match="至少三类"):
        validator.validate("alllowercaseletters")
    validator.validate("Lower-and-UPPER")
    validator.validate("digits123and-symbols")


def test_absurdly_long_passwords_are_refused() -> None:
    MaximumLengthValidator().validate("x" * 128)
    with pytest.raises(ValidationError):
        MaximumLengthValidator().validate("x" * 129)


def test_expired_password_sends_the_user_to_the_change_page(inst_a: Institution, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = make_user(inst_a, username="old")
    with in_schema(inst_a):
        User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    client = client_for(inst_a, user)
    assert client.get("/").url == "/accounts/password/"
    assert client.get("/api/me/").json()["code"] == "password_expired"
    page = client.get("/accounts/password/")
    assert "密码已过期" in page.content.decode()


def test_no_rotation_under_the_default_profile(inst_a: Institution) -> None:
    user = make_user(inst_a, username="old2")
    with in_schema(inst_a):
        User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=3650))
    assert client_for(inst_a, user).get("/").status_code == 200


def test_password_change_applies_the_policy_and_is_audited(inst_a: Institution) -> None:
    from services.accounts import audit_events as account_events
    from services.audit.models import AuditEvent
    from tests.factories import PASSWORD

    user = make_user(inst_a, username="chg")
    client = client_for(inst_a, user)
    weak = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"}
    )
    assert weak.status_code == 200
    ok = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Nian-2026-dangjian", "new_password2": "Nian-2026-dangjian"},
    )
    assert ok.status_code == 302
    with in_schema(inst_a):
        assert User.objects.get(pk=user.pk).check_password("Nian-2026-dangjian")
        assert AuditEvent.objects.filter(event=account_events.PASSWORD_CHANGED, actor_username="chg").exists()


def test_new_passwords_use_argon2id_and_old_pbkdf2_hashes_upgrade_at_login(inst_a: Institution) -> None:
    from django.contrib.auth.hashers import make_password

    from tests.factories import PASSWORD

    user = make_user(inst_a, username="legacy")
    assert user.password.startswith("argon2$argon2id$")
    with in_schema(inst_a):
        User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    response = client_for(inst_a).post("/accounts/login/", {"username": "legacy", "password": PASSWORD})
    assert response.status_code == 302
    with in_schema(inst_a):
        assert User.objects.get(pk=user.pk).password.startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    "password",
    ["short", "password", "user-chg-name", "x" * 129],
    ids=["too short", "common", "like the username", "too long"],
)
def test_password_validator_messages_are_chinese(db: None, password: str, settings) -> None:  # type: ignore[no-untyped-def]
    """Reproduction 11: Django 5.2's too-short message reached the Chinese pages in English."""
    from django.utils import translation

    user = User(username="user-chg-name")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    for message in refused.value.messages:
        assert re.search(r"[\u4e00-\u9fff]", message), message
        assert not re.search(r"[A-Za-z]{4,}", message.replace(user.username, "")), message


def test_a_too_short_password_on_the_page_is_refused_in_chinese(inst_a: Institution) -> None:
    from tests.factories import PASSWORD

    user = make_user(inst_a, username="chg2")
    page = client_for(inst_a, user).post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "a1!", "new_password2": "a1!"}
    )
    assert "密码太短，至少需要 8 个字符。" in page.content.decode()
