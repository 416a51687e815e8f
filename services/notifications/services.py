"""Writes of notification settings: each an audited transaction."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record

from .audit_events import PHONE_VERIFIED, SETTINGS_CHANGED
from .kinds import Channel, kinds
from .models import Address, ChannelPreference
from .outbox import mask_address, normalise_phone
from .selectors import chosen_channels, wecom_userid

_WECOM_USERID = re.compile(r"^[A-Za-z0-9_.@\-]{1,64}$")


def notification_settings_set(*, acting_user: Any, channels: dict[str, list[str]], wecom_user_id: str) -> None:
    """Save the user's own channels per kind of message and their WeChat Work user id (the
    account's 账号与安全 page). Unknown kinds or channels are refused."""
    declared = kinds()
    unknown = [code for code in channels if code not in declared]
    bad = [channel for chosen in channels.values() for channel in chosen if channel not in Channel.values]
    if unknown or bad:
        raise ValidationError(_("未知的消息类别或渠道：%(names)s") % {"names": "、".join(unknown + bad)})
    wecom_user_id = wecom_user_id.strip()
    if wecom_user_id and not _WECOM_USERID.fullmatch(wecom_user_id):
        raise ValidationError(
            {"wecom_userid": _("企业微信账号只能包含字母、数字和 _ . @ -，最多64个字符。")}, code="wecom_userid"
        )
    with transaction.atomic():
        before = {"channels": chosen_channels(user=acting_user), "wecom_userid": wecom_userid(user=acting_user)}
        for code, chosen in channels.items():
            ordered = [channel for channel in Channel.values if channel in chosen]
            ChannelPreference.objects.update_or_create(user=acting_user, kind=code, defaults={"channels": ordered})
        Address.objects.update_or_create(user=acting_user, defaults={"wecom_userid": wecom_user_id})
        after = {"channels": chosen_channels(user=acting_user), "wecom_userid": wecom_user_id}
        audit_record(event=SETTINGS_CHANGED, actor=acting_user, target=acting_user, before=before, after=after)


def phone_verified_set(*, acting_user: Any, user: Any, phone: str) -> Address:
    """Record ``phone`` as ``user``'s verified number (they proved it with a code): security
    messages then go to it by SMS. Called by whoever verified it (activation, the settings page)."""
    number = normalise_phone(phone)
    with transaction.atomic():
        address, _created = Address.objects.update_or_create(
            user=user, defaults={"phone": number, "phone_verified_at": timezone.now()}
        )
        audit_record(
            event=PHONE_VERIFIED, actor=acting_user, target=user, detail={"phone": mask_address(Channel.SMS, number)}
        )
    return address
