"""Forms of the democratic appraisal pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.members.models import AppraisalResult

from .models import AppraisalSubject, Meeting

GRADES = AppraisalResult.Grade.choices


class DateInput(forms.DateInput):
    input_type = "date"


class AppraisalOpenForm(forms.Form):
    branch: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("党支部"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    rating_closes_on = forms.DateField(label=_("互评截止日期"), widget=DateInput)
    meeting: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("评议会议"), queryset=Meeting.objects.none(), required=False, empty_label=_("（不关联会议）")
    )

    def __init__(self, *args: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]
        self.fields["meeting"].queryset = Meeting.objects.filter(  # type: ignore[attr-defined]
            unit__in=branches, kind=Meeting.Kind.APPRAISAL, status=Meeting.Status.PLANNED
        ).order_by("-starts_at")
        self.fields["year"].initial = timezone.localdate().year


class SelfForm(forms.Form):
    self_assessment = forms.CharField(label=_("个人自评"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)


def grade_field(label: str, required: bool) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=GRADES, widget=forms.RadioSelect, required=required)


class RatingForm(forms.Form):
    """One choice per other member: ``s<subject id>``. Members may leave someone unrated."""

    def __init__(self, *args: Any, others: list[AppraisalSubject], given: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for subject in others:
            self.fields[f"s{subject.pk}"] = grade_field(subject.name, required=False)
            self.initial[f"s{subject.pk}"] = given.get(subject.pk)

    def grades(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if value}


class ConcludeForm(forms.Form):
    concluded_on = forms.DateField(label=_("结论日期"), widget=DateInput)

    def __init__(self, *args: Any, tallies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["concluded_on"] = timezone.localdate()
        for row in tallies:
            key = f"g{row.subject.pk}"
            self.fields[key] = forms.ChoiceField(label=row.subject.name, choices=[("", "—"), *GRADES], required=False)
            self.fields[f"n{row.subject.pk}"] = forms.CharField(label=_("说明"), max_length=200, required=False)
            self.initial[key] = row.suggested

    def conclusions(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            int(name[1:]): (value, data.get(f"n{name[1:]}", "")) for name, value in data.items() if name.startswith("g")
        }
