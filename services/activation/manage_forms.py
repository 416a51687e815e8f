"""The form of a run of activation slips (the manager's page); the API reads the same fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from services.members.models import Member

from .selection import ISSUABLE_STATUSES, Selection
from .slips import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS


class SlipIssueForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    not_activated = forms.BooleanField(label=_("只为尚未激活的党员签发"), required=False, initial=True)
    category = forms.ChoiceField(label=_("人员类别"), required=False, choices=[("", _("全部"))])
    statuses = forms.MultipleChoiceField(
        label=_("党籍状态（不选为全部在册党员）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    valid_days = forms.IntegerField(label=_("有效天数"), min_value=MIN_DAYS, max_value=MAX_DAYS, initial=DEFAULT_DAYS)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["category"].choices = [("", _("全部")), *Member.Category.choices]  # type: ignore[attr-defined]
        self.fields["statuses"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Member.Status.choices if value in ISSUABLE_STATUSES
        ]

    def selection(self) -> Selection:
        return Selection.from_json(self.cleaned_data["unit"], self.cleaned_data)
