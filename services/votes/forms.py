"""Forms of the vote pages. The record form is built from the vote's electorate and candidates in the
view (one input per elector and per candidate); these are the fixed-shape forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import BranchVote, Elector


class DateInput(forms.DateInput):
    input_type = "date"


class VoteStartForm(forms.Form):
    """Step 1 (GET): the branch and the kind, which decide the candidates offered."""

    branch: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("党支部"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("表决事项"), choices=BranchVote.Kind.choices)

    def __init__(self, *args: Any, branches: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]


class VoteCreateForm(forms.Form):
    """Step 2 (POST): the meeting and the candidates (each voted separately)."""

    meeting_on = forms.DateField(label=_("会议日期"), widget=DateInput)
    place = forms.CharField(label=_("会议地点"), max_length=100, required=False)
    host = forms.CharField(label=_("主持人"), max_length=50)
    recorder = forms.CharField(label=_("记录人"), max_length=50)
    dossiers: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("表决对象"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一名表决对象。")},
    )

    def __init__(self, *args: Any, dossiers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = dossiers  # type: ignore[attr-defined]


APPROVED_EXCLUSIONS = [
    (value, label)
    for value, label in Elector.Exclusion.choices
    if value not in ("", Elector.Exclusion.PROBATIONARY, Elector.Exclusion.STATUS)
]


class ExcludeForm(forms.Form):
    reason = forms.ChoiceField(label=_("不计入原因"), choices=APPROVED_EXCLUSIONS)
    approved_by = forms.CharField(label=_("批准机关"), max_length=100)
    approved_on = forms.DateField(label=_("批准日期"), widget=DateInput)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
