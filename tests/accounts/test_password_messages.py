"""Why a new password is refused is said in the user's language: Chinese in the Chinese UI (Django
5.2's length message was missing from its Chinese catalogue and showed in English), English for a
user who chose English."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils import translation

from tenants.models import Institution
from tests.conftest import client_for, make_user
from tests.factories import PASSWORD

CJK = re.compile(r"[\u4e00-\u9fff]")
ERROR_ITEM = re.compile(r'<ul class="errorlist[^"]*">(.*?)</ul>', re.S)


def refusals(institution: Institution, new_password: str, *, language: str = "zh-hans") -> list[str]:
    """The error messages the password change page shows for ``new_password``."""
    user = make_user(institution, username="zhangwei2026", display_name="张伟")
    client = client_for(institution, user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200  # refused, the form is shown again
    items = ERROR_ITEM.findall(response.content.decode())
    return [text.strip() for item in items for text in re.findall(r"<li>(.*?)</li>", item, re.S)]


@pytest.mark.parametrize(
    ("password", "shown"),
    [
        ("Ab3$xyz", "密码太短，至少需要 8 个字符。"),
        ("password", "这是一个常见密码，很容易被猜到，请换一个。"),
        ("zhangwei2026", "密码与用户名过于相似。"),
    ],
)
def test_a_refused_password_is_explained_in_chinese(inst_a: Institution, password: str, shown: str) -> None:
    shown_messages = refusals(inst_a, password)
    assert shown in shown_messages
    for message in shown_messages:
        assert CJK.search(message) and not re.search(r"[A-Za-z]{3,}", message), message


def test_a_refused_password_is_explained_in_english_to_a_user_who_chose_english(inst_a: Institution) -> None:
    assert refusals(inst_a, "Ab3$xyz", language="en") == ["This password is too short: it needs at least 8 characters."]


def test_every_password_rule_describes_itself_in_chinese_and_in_english(db: None) -> None:
    with translation.override("zh-hans"):
        chinese = password_validators_help_texts()
    with translation.override("en"):
        english = password_validators_help_texts()
    assert chinese and len(chinese) == len(english)
    for text in chinese:
        assert CJK.search(text) and not re.search(r"[A-Za-z]{3,}", text), text
    for text in english:
        assert not CJK.search(text), text
