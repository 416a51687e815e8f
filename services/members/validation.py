"""Field rules of the member record, shared by forms, the API and the importer (one place)."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import national_id

_PHONE = re.compile(r"^1[3-9]\d{9}$")


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


def national_id_taken_message(*, holder_unit: str | None, managed: bool = False, importing: bool = False) -> str:
    """Why an ID number that already has a record cannot be given to another one.
    ``holder_unit``: the unit of that record when the user can see it (then it is named); None
    when they cannot — the answer is then the same refusal whatever lies behind it, so it never
    confirms that a record exists outside their scope (elsewhere such a record is a 404). They ask
    the committee's organization department, which sees the whole institution."""
    if holder_unit is not None and managed:
        return _("该身份证号已有党员档案（%(unit)s）。") % {"unit": holder_unit}
    if holder_unit is not None:
        return _("该身份证号已有党员档案（%(unit)s），不在您的管理范围内。") % {"unit": holder_unit}
    if importing:
        return _("该身份证号无法导入到您管理的支部，请联系学校党委组织部。")
    return _("该身份证号无法登记到您管理的支部，请联系学校党委组织部。")


def mask_phone(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if len(value) == 11 else ("*" * len(value))
