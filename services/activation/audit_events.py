"""The audit events of activation (services/kernel/audit_events.py): every outcome of
self-activation, slip activation and password reset, refusals included."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

ANSWERS_REFUSED = declare(
    "activation.answers_refused",
    label=_("激活信息核对未通过"),
    detail="reason: no_match, locked or throttled; nothing typed is stored",
)
REFUSED = declare(
    "activation.refused",
    label=_("无法自助激活"),
    detail="reason: no_phone, phone_taken or disabled; the target is the account or the record",
)
CODE_SENT = declare(
    "activation.code_sent",
    label=_("发送短信验证码"),
    detail="purpose: activate or reset; sent: false when a code sent under a minute ago still stands (no SMS)",
)
CODE_REFUSED = declare(
    "activation.code_refused",
    label=_("验证码未通过"),
    detail="kind: phone or sheet; reason: wrong, expired, used, replaced, locked or throttled",
)
LOCKED_OUT = declare(
    "activation.locked_out",
    label=_("激活尝试锁定"),
    detail="scope: subject_client, subject or client; until (ISO time)",
)
ACTIVATED = declare(
    "activation.activated",
    label=_("激活账号"),
    detail="how: phone or slip; username_from when the username followed the record's number",
)
PASSWORD_RESET = declare(
    "activation.password_reset",
    label=_("重设密码"),
    detail="how: phone or slip; sessions and tokens ended",
)
RESET_REQUESTED = declare(
    "activation.reset_requested",
    label=_("申请重设密码"),
    detail="sent: whether a code went out (the person is told the same either way); reason when not",
)
SLIPS_ISSUED = declare(
    "activation.slips_issued",
    label=_("签发激活单"),
    detail="unit: the selected unit's id; scope: its label and filters; count; valid_until; job; accounts_made",
)
SLIP_ISSUED = declare(
    "activation.slip_issued",
    label=_("签发激活码"),
    detail="batch: the ActivationBatch id; the target is the user the slip is for (never the code)",
)
SLIPS_DOWNLOADED = declare(
    "activation.slips_downloaded",
    label=_("下载激活单"),
    detail="batch and count; the file is deleted from storage once downloaded",
)
