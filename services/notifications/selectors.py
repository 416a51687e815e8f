"""Reads of notification settings: where a user can be reached, and on which channels a kind of
message goes to them. A user only ever reads their own."""

from __future__ import annotations

from typing import Any

from .channels import sms_configured, wecom_configured
from .kinds import Channel, Kind, kinds
from .models import Address, ChannelPreference


def reachable(*, user: Any) -> dict[str, str]:
    """The channels the user can be reached on now, with the address: e-mail if they have one, SMS
    if their phone is verified and a provider is configured, WeChat Work if they set their user
    id and the institution's application is configured."""
    found: dict[str, str] = {}
    if getattr(user, "email", ""):
        found[Channel.EMAIL] = user.email
    address = Address.objects.filter(user_id=user.pk).first()
    if address is not None:
        if address.phone and address.phone_verified_at and sms_configured():
            found[Channel.SMS] = address.phone
        if address.wecom_userid and wecom_configured():
            found[Channel.WECOM] = address.wecom_userid
    return found


def chosen_channels(*, user: Any) -> dict[str, list[str]]:
    """Every declared kind with the channels the user chose, or the kind's defaults."""
    saved = dict(ChannelPreference.objects.filter(user_id=user.pk).values_list("kind", "channels"))
    return {code: list(saved.get(code, declared.defaults)) for code, declared in kinds().items()}


def targets(*, user: Any, kind: Kind) -> list[tuple[str, str]]:
    """(channel, address) pairs a message of ``kind`` goes to: the chosen channels the user can be
    reached on; with no choice saved, the kind's defaults (for some kinds only the first reachable
    one: SMS where a verified phone exists, else e-mail). An inactive account gets nothing."""
    if not getattr(user, "is_active", False):
        return []
    reach = reachable(user=user)
    saved = ChannelPreference.objects.filter(user_id=user.pk, kind=kind.code).values_list("channels", flat=True).first()
    channels = list(saved) if saved is not None else list(kind.defaults)
    found = [(channel, reach[channel]) for channel in channels if channel in reach]
    return found[:1] if saved is None and kind.first_reachable else found


def wecom_userid(*, user: Any) -> str:
    return Address.objects.filter(user_id=user.pk).values_list("wecom_userid", flat=True).first() or ""
