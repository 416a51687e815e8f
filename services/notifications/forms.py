from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import Channel, kinds


def _field(code: str) -> str:
    return f"kind_{code}"


class ChannelSettingsForm(forms.Form):
    """One set of channel boxes per declared kind of message, and the WeChat Work user id."""

    wecom_userid = forms.CharField(
        label=_("企业微信账号（UserID）"),
        max_length=64,
        required=False,
        help_text=_("在企业微信“我的”页面或由管理员告知；填写后可选择以企业微信接收消息。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, declared in kinds().items():
            self.fields[_field(code)] = forms.MultipleChoiceField(
                label=str(declared.label), choices=Channel.choices, widget=forms.CheckboxSelectMultiple, required=False
            )

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[_field(code)] for code in kinds()]

    def channels(self) -> dict[str, list[str]]:
        return {code: list(self.cleaned_data.get(_field(code)) or []) for code in kinds()}

    @staticmethod
    def initial_for(*, channels: dict[str, list[str]], wecom_userid: str) -> dict[str, Any]:
        return {"wecom_userid": wecom_userid, **{_field(code): chosen for code, chosen in channels.items()}}
