"""Forms of the member pages. They parse and present only: the rules (ID check digit, ID against
birth date and gender, phone format, duplicates, scope, the status state machine, required
reasons) live in services.py and come back as ValidationError messages placed on these fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.organization.models import OrgUnit

from .models import Member
from .record import EDITABLE, SENSITIVE, mask

# The history stores these reasons; MemberChange.reason is 200 characters.
REASON_MAX_LENGTH = 200
# Sensitive fields: blank on the edit form (never shown in clear), and blank means "keep".
_KEPT_BLANK = SENSITIVE


class DateInput(forms.DateInput):
    """The phone's own date picker; it sends and expects ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _model_field(name: str, **kwargs: Any) -> forms.Field:
    """The form field of a Member column: labels and choices keep a single definition (models.py)."""
    field = cast(models.Field, Member._meta.get_field(name)).formfield(**kwargs)
    assert field is not None, name
    return field


def _reason_field(label: Any, *, required: bool) -> forms.CharField:
    # Not required at form level where the service insists on a reason itself: its message is
    # the one the page shows, so the rule has a single home. The browser still asks for it.
    return forms.CharField(
        label=label,
        max_length=REASON_MAX_LENGTH,
        required=required,
        widget=forms.TextInput(attrs={"required": True, "autocomplete": "off"}),
    )


class BranchChoiceField(forms.ModelChoiceField):
    """Branch names repeat across colleges (本科生第一支部…): show the unit above as well."""

    def label_from_instance(self, obj: Any) -> str:
        unit = cast(OrgUnit, obj)
        return f"{unit.parent.name} · {unit.name}" if unit.parent_id and unit.parent else unit.name


class MemberForm(forms.Form):
    """The editable fields of a record (record.EDITABLE, in its order). National ID and phone are never put
    back into the page in clear: on edit they are blank, and blank keeps the stored value."""

    name = _model_field("name")
    gender = _model_field("gender")
    ethnicity = _model_field("ethnicity")
    birth_date = _model_field("birth_date", widget=DateInput())
    national_id = _model_field(
        "national_id",
        max_length=25,  # room for the spaces people type; services.py normalizes
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = _model_field(
        "phone", max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})
    )
    native_place = _model_field("native_place")
    education = _model_field("education")
    degree = _model_field("degree")
    category = _model_field("category")
    number = _model_field("number")
    branch = BranchChoiceField(label=_("所在支部"), queryset=OrgUnit.objects.none())
    joined_on = _model_field("joined_on", widget=DateInput())
    confirmed_on = _model_field("confirmed_on", widget=DateInput())
    reason = _reason_field(_("变更原因"), required=True)

    # Fields whose values make sense only together: the service cross-checks them.
    IDENTITY = ("national_id", "birth_date", "gender")

    def __init__(
        self, *args: Any, branches: models.QuerySet[OrgUnit], member: Member | None = None, **kwargs: Any
    ) -> None:
        self.member = member
        if member is not None:
            kwargs.setdefault("initial", {f: getattr(member, f) for f in EDITABLE if f not in _KEPT_BLANK})
        super().__init__(*args, **kwargs)
        branch_field = cast(BranchChoiceField, self.fields["branch"])
        branch_field.queryset = branches.select_related("parent")
        if member is None:
            # A new record: the ID number says the birth date and gender (services.member_create).
            del self.fields["reason"]
            for name in ("gender", "birth_date"):
                self.fields[name].required = False
                self.fields[name].help_text = _("留空则按身份证号自动填写。")
        else:
            self.fields["national_id"].required = False
            self.fields["national_id"].help_text = _("当前为 %(masked)s，留空则不修改。") % {
                "masked": mask("national_id", member.national_id)
            }
            self.fields["phone"].help_text = (
                _("当前为 %(masked)s，留空则不修改。") % {"masked": mask("phone", member.phone)}
                if member.phone
                else _("当前未填写。")
            )

    def service_fields(self) -> dict[str, Any]:
        """What to hand to member_create / member_update: blanks that mean "not given" are left out
        so that the service's defaults apply and stored sensitive values are kept."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "reason"}
        if self.member is None:
            for name in ("gender", "birth_date"):
                if data.get(name) in (None, ""):
                    data.pop(name, None)
            return data
        for name in _KEPT_BLANK:
            if not data.get(name):
                data.pop(name, None)
        if "national_id" not in data and any(name in self.changed_data for name in self.IDENTITY):
            # A new birth date or gender is still checked against the stored ID number.
            data["national_id"] = self.member.national_id
        return data

    def has_record_changes(self) -> bool:
        return any(name != "reason" for name in self.changed_data)


class RosterFilterForm(forms.Form):
    """Search and filters of the roster (GET). Unknown values are dropped, not an error page."""

    q = forms.CharField(
        label=_("姓名或学号/工号"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("输入姓名开头或学号/工号")}),
    )
    branch = forms.TypedChoiceField(label=_("组织"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label=_("党籍状态"), required=False)
    category = forms.ChoiceField(label=_("人员类别"), required=False)

    def __init__(self, *args: Any, units: Iterable[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = list(units)
        top = min((unit.depth for unit in units), default=0)
        # A full-width space per level: the tree reads in a plain <select>, on phones too.
        cast(forms.ChoiceField, self.fields["branch"]).choices = [
            ("", _("全部组织")),
            *((unit.pk, "\u3000" * (unit.depth - top) + unit.name) for unit in units),
        ]
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("全部状态")), *Member.Status.choices]
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", _("全部类别")), *Member.Category.choices]

    def filters(self) -> dict[str, Any]:
        """The valid filters only (an invalid one, e.g. a unit outside the scope, is ignored)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": (data.get("q") or "").strip(),
            "branch_id": data.get("branch"),
            "status": data.get("status") or "",
            "category": data.get("category") or "",
        }


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        label=_("查看内容"),
        choices=[(name, cast(models.Field, Member._meta.get_field(name)).verbose_name) for name in SENSITIVE],
    )
    reason = _reason_field(_("查看事由"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # It shares the record page with the status form: own ids keep each label on its field.
        kwargs.setdefault("auto_id", "id_reveal_%s")
        super().__init__(*args, **kwargs)


class StatusChangeForm(forms.Form):
    """Any status parses; services.member_status_change decides which transitions are allowed
    (TRANSITIONS). The select offers only the allowed targets of the current status."""

    to_status = forms.ChoiceField(label=_("变更为"), choices=Member.Status.choices)
    on_date = forms.DateField(label=_("生效日期"), widget=DateInput())
    reason = _reason_field(_("变更原因"), required=False)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args: Any, allowed: Iterable[str], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on_date": timezone.localdate()})
        kwargs.setdefault("auto_id", "id_status_%s")  # see RevealForm
        super().__init__(*args, **kwargs)
        allowed = set(allowed)
        # Only the widget's options are narrowed: validation keeps every status, so a forged or
        # stale choice reaches the service and gets its message instead of a generic one.
        cast(forms.Select, self.fields["to_status"].widget).choices = [
            (v, label) for v, label in Member.Status.choices if v in allowed
        ]
