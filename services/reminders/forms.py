from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReminderPreference


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("邮件提醒"),
        choices=ReminderPreference.Email.choices,
        widget=forms.RadioSelect,
        help_text=_("门户中的提醒始终可见；这里选择是否以及何时通过邮件发送。"),
    )
