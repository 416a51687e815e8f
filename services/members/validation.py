"""Field rules of the member record, shared by forms, the API and the importer (one place)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import national_id

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_MASKED_PHONE = re.compile(r"^1\d{2}\*{4}\d{4}$")  # mask_phone of an 11-digit number
# A reason for seeing or exporting full ID numbers and phones (a reveal, the national export, the
# full roster) says what they are for: a word, not "0" or "...". The audit row keeps it.
REASON_MIN_LENGTH = 5
REASON_MAX_LENGTH = 200


def clean_national_id(value: str) -> str:
    number = national_id.normalize(value)
    if len(number) != 18:
        raise ValidationError(_("身份证号应为 18 位。"), code="national_id_length")
    if not number[:17].isdigit() or national_id.check_digit(number[:17]) != number[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对。"), code="national_id_check_digit")
    if not national_id.is_valid(number):
        raise ValidationError(_("身份证号中的出生日期无效，请核对。"), code="national_id_birth_date")
    return number


def clean_phone(value: str) -> str:
    """Normalize to 11 digits: spaces, dashes and a +86 / 0086 prefix are dropped."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    if digits and not _PHONE.match(digits):
        raise ValidationError(_("手机号应为 11 位数字，以 1 开头。"), code="phone_format")
    return digits


def check_identity(*, number: str, birth_date: date | None, gender: str | None) -> list[str]:
    """Cross-check the birth date and gender against the ID number; returns the mismatches."""
    problems = []
    if birth_date is not None and national_id.birth_date(number) != birth_date:
        problems.append(_("出生日期与身份证号不一致（身份证为 %(d)s）。") % {"d": national_id.birth_date(number)})
    if gender and national_id.gender(number) != gender:
        problems.append(_("性别与身份证号不一致。"))
    return problems


def mask_phone(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if len(value) == 11 else ("*" * len(value))


def is_masked_phone(value: str) -> bool:
    return bool(_MASKED_PHONE.match(value))


def clean_access_reason(value: str) -> str:
    """The one rule for the reason asked before full ID numbers or phones are shown or exported:
    required, REASON_MIN_LENGTH to REASON_MAX_LENGTH characters with at least one letter (Chinese or other; not only
    digits, punctuation or spaces), no control characters. Returns it with spaces collapsed."""
    reason = " ".join(str(value or "").split())
    if not reason:
        raise ValidationError(_("请填写事由：查看或导出完整身份证号、手机号须说明用途。"), code="reason_required")
    if any(unicodedata.category(char)[0] == "C" for char in reason):
        raise ValidationError(_("事由中不能含有控制字符。"), code="reason_control_characters")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(_("事由不能超过 %(n)d 个字。") % {"n": REASON_MAX_LENGTH}, code="reason_too_long")
    if len(reason) < REASON_MIN_LENGTH or not any(unicodedata.category(char)[0] == "L" for char in reason):
        raise ValidationError(
            _("请写明用途：事由至少 %(n)d 个字，不能只有数字或符号。") % {"n": REASON_MIN_LENGTH},
            code="reason_too_short",
        )
    return reason
