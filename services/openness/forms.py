"""The forms of the 党务公开 pages: the kind filter, publishing (the units the user manages, and
the whole institution for managers of the whole tree) and withdrawing with a confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from services.organization.models import OrgUnit

from .models import BoardItem

INSTITUTION = "institution"


class KindFilter(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部类别")), *BoardItem.Kind.choices])

    def kind_value(self) -> str:
        return self.cleaned_data.get("kind", "") if self.is_valid() else ""


class PublishForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=BoardItem.Kind.choices, initial=BoardItem.Kind.NOTICE)
    scope = forms.ChoiceField(label=_("公开范围"))
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    link = forms.CharField(
        label=_("原文链接"), max_length=500, required=False, help_text=_("可选：本站页面地址（以 / 开头）或网址。")
    )
    published_on = forms.DateField(label=_("公开日期"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("截止后从公开栏撤下，管理者仍可在归档中查看；不填则一直公开。"),
    )

    def __init__(self, *args: Any, units: list[OrgUnit], whole_institution: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [(INSTITUTION, _("全校"))] if whole_institution else []
        choices += [(str(unit.pk), unit.name) for unit in units]
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)
        scope.choices = choices
        self._units = {str(unit.pk): unit for unit in units}

    def unit(self) -> OrgUnit | None:
        """The chosen unit (None: the whole institution)."""
        return self._units.get(self.cleaned_data["scope"])

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "unit": self.unit(),
            "title": data["title"],
            "body": data["body"],
            "link": data["link"],
            "published_on": data["published_on"],
            "ends_on": data["ends_on"],
        }


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=200)
    confirm = forms.BooleanField(label=_("我确认撤回：撤回后党员不再看到这项公开。"))
