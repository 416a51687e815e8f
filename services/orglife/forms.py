"""Forms of the meeting pages: the new meeting in two steps (the unit and the kind, then the
meeting, whose choices of people come from the unit's branch), a change, a cancellation, leave
and its decision, and moving members between party groups. The services say what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from services.kernel.text import FREE_TEXT_MAX

from .models import Attendee, Meeting

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _when(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=DateTimeInput(), input_formats=DATETIME_FORMATS)


class MeetingStartForm(forms.Form):
    """Step 1 (GET): the unit (a branch, or a party group for 党小组会) and the kind."""

    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("召开单位"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("会议类型"), choices=Meeting.Kind.choices)

    def __init__(self, *args: Any, units: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class MeetingFieldsForm(forms.Form):
    """What a meeting says about itself: shared by the new meeting and its change."""

    topic = forms.CharField(label=_("主题"), max_length=200)
    agenda = forms.CharField(
        label=_("议程"), required=False, max_length=FREE_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    starts_at = _when(_("开始时间"))
    ends_at = _when(_("结束时间"))
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    online_url = forms.URLField(label=_("线上会议链接"), required=False, assume_scheme="https")
    host: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("主持人"), queryset=None, required=False)
    recorder: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("记录人"), queryset=None, required=False)
    lecturer = forms.CharField(
        label=_("授课人"), max_length=50, required=False, help_text=_("党课填写；可以是支部以外的人。")
    )

    def __init__(self, *args: Any, members: QuerySet[Any], kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("host", "recorder"):
            self.fields[name].queryset = members  # type: ignore[attr-defined]
        if kind != Meeting.Kind.LECTURE:
            del self.fields["lecturer"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("place", "").strip() and not data.get("online_url", ""):
            self.add_error("place", _("请填写地点或线上会议链接。"))
        return data


class MeetingCreateForm(MeetingFieldsForm):
    """Step 2 (POST): the meeting, its invitees (列席) and, for 谈心谈话, who took part."""

    invitees: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("列席人员（入党积极分子、发展对象）"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participants: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("谈话对象"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    allow_guests = forms.BooleanField(label=_("允许名单外人员签到（记为列席）"), required=False)

    def __init__(self, *args: Any, invitees: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invitees"].queryset = invitees  # type: ignore[attr-defined]
        self.fields["participants"].queryset = self.fields["host"].queryset  # type: ignore[attr-defined]
        if kwargs.get("kind") != Meeting.Kind.TALK:
            del self.fields["participants"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "participants" in self.fields and len(data.get("participants") or []) < 1:
            self.add_error("participants", _("请选择谈话对象。"))
        return data


class MeetingCancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class LeaveRequestForm(forms.Form):
    reason = forms.CharField(label=_("请假事由"), max_length=200)


class LeaveDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批"), choices=[(Attendee.Leave.APPROVED, _("准假")), (Attendee.Leave.REFUSED, _("不准假"))]
    )


class GroupAssignForm(forms.Form):
    group: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("调入党小组"), queryset=None, required=False, empty_label=_("不属于任何党小组")
    )
    members: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("党员"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一名党员。")},
    )

    def __init__(self, *args: Any, groups: QuerySet[Any], members: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        self.fields["members"].queryset = members  # type: ignore[attr-defined]
