"""What a board item may say (docs/openness.md): each text is checked before anything is written.

A disclosure is read by every member of its scope, so no item carries a national ID number or a
mobile phone number, whatever its kind; what personal data each kind shows beyond that (a
publicity notice names the candidate, a dues item shows totals, a meeting summary has no
attendance list) is decided by the page that composes it (the hooks in development, orglife and
dues)."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from services.kernel.text import LONG_TEXT_MAX, free_text, single_line

from .models import BoardItem

TITLE_MAX = 200
LINK_MAX = 500
REASON_MAX = 200
_NATIONAL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_LINK = re.compile(r"^(/(?!/)|https?://)[^\s<>\"']*$")


def _text_errors(value: str, *, multiline: bool) -> list[str]:
    try:
        (free_text if multiline else single_line)(value)
    except ValidationError as exc:
        return [str(message) for message in exc.messages]
    if _NATIONAL_ID.search(value) or _MOBILE.search(value):
        return [_("党务公开不得含有身份证号码或手机号码，请删除后再发布。")]
    return []


def checked_fields(
    *, kind: str, title: str, body: str, link: str, published_on: date, ends_on: date | None
) -> tuple[str, str, str]:
    """The title, body and link as they will be stored (trimmed), or a ValidationError keyed by
    field, every problem at once."""
    errors: dict[str, list[str]] = {}
    title, body, link = title.strip(), body.strip(), link.strip()
    if kind not in BoardItem.Kind.values:
        errors["kind"] = [_("请选择公开类别。")]
    if not title:
        errors["title"] = [_("请填写标题。")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("标题不能超过 %(n)s 个字。") % {"n": TITLE_MAX}]
    else:
        errors["title"] = _text_errors(title, multiline=False)
    if len(body) > LONG_TEXT_MAX:
        errors["body"] = [_("正文不能超过 %(n)s 个字。") % {"n": LONG_TEXT_MAX}]
    else:
        errors["body"] = _text_errors(body, multiline=True)
    if link and (len(link) > LINK_MAX or not _LINK.match(link)):
        errors["link"] = [_("原文链接应为本站地址（以 / 开头）或 http(s) 网址。")]
    if ends_on is not None and ends_on < published_on:
        errors["ends_on"] = [_("截止日期不能早于公开日期。")]
    errors = {name: messages for name, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)
    return title, body, link


def checked_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写撤回原因。")]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("撤回原因不能超过 %(n)s 个字。") % {"n": REASON_MAX}]})
    errors = _text_errors(reason, multiline=False)
    if errors:
        raise ValidationError({"reason": errors})
    return reason
