"""Password validators for the two profiles (see settings/security.py)."""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a Chinese message: Django 5.2 changed its msgid and its Chinese catalog
    still translates the old one, so the Chinese pages showed the English sentence."""

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(n)d 个字符。") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少 %(n)d 个字符。") % {"n": self.min_length}


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
