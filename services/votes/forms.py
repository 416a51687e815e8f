"""Forms of the vote pages: the new vote in two steps, an exclusion, and the record of the meeting
(built from the vote's electorate and candidates, one input per elector, written opinion and
count), which hands the service one typed ``VoteInput``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.kernel.inputs import ascii_int

from .common import CHOICES
from .inputs import VoteInput, candidate_key, count_key, opinion_key, presence_key
from .models import BranchVote, Candidate, Elector


class DateInput(forms.DateInput):
    input_type = "date"


class VoteStartForm(forms.Form):
    """Step 1 (GET): the branch and the kind, which decide the candidates offered."""

    branch: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("党支部"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("表决事项"), choices=BranchVote.Kind.choices)

    def __init__(self, *args: Any, branches: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]


class MeetingChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{timezone.localtime(obj.starts_at):%Y-%m-%d %H:%M} {obj.topic}"


class VoteCreateForm(forms.Form):
    """Step 2 (POST): the meeting and the candidates (each voted separately). A branch member
    meeting planned in organizational life may be chosen: its date, place, host and recorder fill
    the fields left blank."""

    meeting = MeetingChoiceField(
        label=_("在哪次支部党员大会上表决"),
        queryset=None,
        required=False,
        empty_label=_("（未在组织生活中安排）"),
    )
    meeting_on = forms.DateField(label=_("会议日期"), widget=DateInput, required=False)
    place = forms.CharField(label=_("会议地点"), max_length=100, required=False)
    host = forms.CharField(label=_("主持人"), max_length=50, required=False)
    recorder = forms.CharField(label=_("记录人"), max_length=50, required=False)
    dossiers: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("表决对象"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一名表决对象。")},
    )

    def __init__(self, *args: Any, dossiers: QuerySet[Any], meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = dossiers  # type: ignore[attr-defined]
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        meeting = data.get("meeting")
        if meeting is not None:
            filled = {
                "meeting_on": timezone.localtime(meeting.starts_at).date(),
                "place": meeting.place,
                "host": meeting.host.name if meeting.host else "",
                "recorder": meeting.recorder.name if meeting.recorder else "",
            }
            for name, value in filled.items():
                if not data.get(name):
                    data[name] = value
        if not data.get("meeting_on") and "meeting_on" not in self.errors:
            self.add_error("meeting_on", _("请填写会议日期，或选择一次支部党员大会。"))
        return data


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


class SentField(forms.Field):
    """What was sent, as it was sent ("" if nothing): the service says what it must be."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> str:
        return "" if value is None else str(value)


class CountField(SentField):
    """A candidate's count: 0 or a positive whole number (ASCII digits). A blank is 0: a meeting
    without a quorum has no counts, and with a quorum a forgotten count still fails the sum check,
    which names the field."""

    def __init__(self, *, candidate_name: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.candidate_name = candidate_name

    def clean(self, value: Any) -> int:
        text = self.to_python(value).strip()
        number = ascii_int(text) if text else 0
        if number is None:
            raise forms.ValidationError(_("请填写 %(name)s 的票数（0 或正整数）。") % {"name": self.candidate_name})
        return number


class VoteRecordForm(forms.Form):
    """The record of the meeting, one field per entitled elector (``presence-<elector>``), per
    written opinion (``opinion-<elector>-<candidate>``) and per count (``count-<candidate>-<choice>``),
    named as ``inputs`` names them. It reads the values; what they must be (a presence for everyone,
    an opinion for each written one, counts that add up) is the service's to say, next to the same
    names. ``candidate-<candidate>`` holds no value: it carries a refusal about the candidate."""

    def __init__(self, *args: Any, electors: list[Elector], candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.electors, self.candidates = electors, candidates
        for elector in electors:
            self.fields[presence_key(elector.pk)] = SentField()
            for candidate in candidates:
                self.fields[opinion_key(elector.pk, candidate.pk)] = SentField()
        for candidate in candidates:
            self.fields[candidate_key(candidate.pk)] = SentField(disabled=True)
            for choice in CHOICES:
                self.fields[count_key(candidate.pk, choice)] = CountField(candidate_name=candidate.name)

    def vote_input(self) -> VoteInput:
        data = self.cleaned_data
        return VoteInput(
            presence={elector.pk: data[presence_key(elector.pk)] for elector in self.electors},
            written_opinions={
                elector.pk: {candidate.pk: data[opinion_key(elector.pk, candidate.pk)] for candidate in self.candidates}
                for elector in self.electors
            },
            counts={
                candidate.pk: {choice: data[count_key(candidate.pk, choice)] for choice in CHOICES}
                for candidate in self.candidates
            },
        )

    def raw(self, name: str) -> str:
        """What was sent for ``name`` (empty on a first visit), shown back as it was typed."""
        return str(self.data.get(name, "")) if self.is_bound else ""

    def errors_of(self, name: str) -> list[str]:
        return [str(error) for error in self.errors.get(name, [])] if self.is_bound else []
