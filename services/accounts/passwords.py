"""Password validators for the two profiles (see settings/security.py).

Django's own three (length, similarity, common passwords) are used with messages of ours, written
in Chinese with their English translation in the catalogue: the users read them, and Django 5.2's
length message is missing from its Chinese catalogue (its msgid changed), so it showed in English.
"""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        # Django formats it with params={"min_length": ...} when the error is shown.
        return _("密码太短，至少需要 %(min_length)d 个字符。")

    def get_help_text(self) -> str:
        return _("密码至少 %(min_length)d 个字符。") % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        # verbose_name: the field it resembles (用户名, 姓名…), in the user's language.
        return _("密码与%(verbose_name)s过于相似。")

    def get_help_text(self) -> str:
        return _("密码不能与用户名、姓名等个人信息过于相似。")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return _("这是一个常见密码，很容易被猜到，请换一个。")

    def get_help_text(self) -> str:
        return _("密码不能是常见密码。")


class MaximumLengthValidator:
    """ASVS 2.1.2 allows at least 64 characters; refuse only absurd lengths (hashing cost)."""

    max_length = 128

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(_("密码不能超过 %(n)d 个字符。") % {"n": self.max_length}, code="password_too_long")

    def get_help_text(self) -> str:
        return _("密码不超过 %(n)d 个字符。") % {"n": self.max_length}


class CharacterClassValidator:
    """MLPS level 3: at least three of upper case, lower case, digits and symbols."""

    required = 3

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or c.isspace() for c in password),
        ]
        if sum(classes) < self.required:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少三类。"), code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少三类。")
