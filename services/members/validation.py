"""Field rules of the member record, shared by every way a record is written (one place): the
page forms and the API (through services.py), the importer (imports/row_checks.py) and the transfer
move (services/transfers/moves.py).

Dates have a supported range: a birth date from 1900-01-01, a date of joining or of full
membership from 1921-07-01 (the party's founding), none after today (a record states what has
happened); joining after birth, full membership after joining, none for a probationary member;
a status change takes effect between joining and today. Every message names its field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import national_id

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_MASKED_PHONE = re.compile(r"^1\d{2}\*{4}\d{4}$")  # mask_phone of an 11-digit number
# A reason for seeing or exporting full ID numbers and phones (a reveal, the national export, the
# full roster) says what they are for: a word, not "0" or "...". The audit row keeps it.
REASON_MIN_LENGTH = 5
REASON_MAX_LENGTH = 200

PARTY_FOUNDED = date(1921, 7, 1)
EARLIEST_BIRTH = date(1900, 1, 1)  # as national_id.is_valid
DATE_FIELDS = ("birth_date", "joined_on", "confirmed_on")
DATE_LABELS = {
    "birth_date": gettext_lazy("出生日期"),
    "joined_on": gettext_lazy("入党日期"),
    "confirmed_on": gettext_lazy("转正日期"),
}


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


def record_date_errors(record: Mapping[str, Any], *, today: date | None = None) -> dict[str, list[str]]:
    """The dates of a record (``birth_date``, ``joined_on``, ``confirmed_on``, with ``status``),
    each in its range and in their order: field → Chinese messages naming the field."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    for field in DATE_FIELDS:
        value = record.get(field)
        if value is None:
            continue
        label = DATE_LABELS[field]
        if value > today:
            errors.setdefault(field, []).append(
                _("%(field)s不能晚于今天（%(today)s）。") % {"field": label, "today": today.isoformat()}
            )
        elif field == "birth_date" and value < EARLIEST_BIRTH:
            errors.setdefault(field, []).append(
                _("%(field)s不能早于 %(day)s。") % {"field": label, "day": EARLIEST_BIRTH.isoformat()}
            )
        elif field != "birth_date" and value < PARTY_FOUNDED:
            errors.setdefault(field, []).append(
                _("%(field)s不能早于 %(day)s（中国共产党成立）。") % {"field": label, "day": PARTY_FOUNDED.isoformat()}
            )
    born, joined, confirmed = record.get("birth_date"), record.get("joined_on"), record.get("confirmed_on")
    if joined and born and joined < born:
        errors.setdefault("joined_on", []).append(_("入党日期早于出生日期。"))
    if joined and confirmed and confirmed < joined:
        errors.setdefault("confirmed_on", []).append(_("转正日期早于入党日期。"))
    if confirmed and record.get("status") == "probationary":
        errors.setdefault("confirmed_on", []).append(_("预备党员不应填写转正日期。"))
    return errors


def new_date_errors(
    before: Mapping[str, Any], after: Mapping[str, Any], *, today: date | None = None
) -> dict[str, list[str]]:
    """The date errors a change brings: those of the record after it that the record before it
    did not have. A record that was already inconsistent (written before these rules) can still
    be corrected one field at a time, but no change may make it worse."""
    old = record_date_errors(before, today=today)
    found = record_date_errors(after, today=today)
    return {
        field: kept
        for field, messages in found.items()
        if (kept := [message for message in messages if message not in old.get(field, [])])
    }


def status_date_errors(*, on_date: date, joined_on: date | None, today: date | None = None) -> list[str]:
    """A status change takes effect between joining (or the party's founding) and today: it is
    recorded once it has happened."""
    today = today or timezone.localdate()
    if on_date > today:
        return [_("生效日期不能晚于今天（%(today)s）：状态变更发生后再登记。") % {"today": today.isoformat()}]
    if joined_on is not None and on_date < joined_on:
        return [_("生效日期不能早于入党日期（%(day)s）。") % {"day": joined_on.isoformat()}]
    if on_date < PARTY_FOUNDED:
        return [_("生效日期不能早于 %(day)s（中国共产党成立）。") % {"day": PARTY_FOUNDED.isoformat()}]
    return []


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
