"""Forms of the org-tree editor. Choice lists are narrowed to what the service would accept (a
valid parent kind, the unit's own members); the service still checks everything."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.members.models import Member

from . import selectors
from .models import AdminGrant, OrgUnit, Position
from .scope import Scope


class DateInput(forms.DateInput):
    input_type = "date"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{chr(0xA0) * 2 * obj.depth}{obj.name} · {obj.get_kind_display()}"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.number}" if obj.number else str(obj.name)


class ChildUnitForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"))
    branch_kind = forms.ChoiceField(label=_("支部类型"), choices=OrgUnit.BranchKind.choices, required=False)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0, required=False)

    def __init__(self, *args: Any, parent: OrgUnit | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = selectors.child_kinds(parent.kind if parent is not None else None)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [(k, OrgUnit.Kind(k).label) for k in kinds]


class RenameForm(forms.Form):
    name = forms.CharField(label=_("新名称"), max_length=100)


class MoveForm(forms.Form):
    new_parent = UnitChoiceField(label=_("新的上级组织"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, unit: OrgUnit, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [kind for kind in selectors.valid_parent_kinds(unit.kind) if kind is not None]
        candidates = OrgUnit.objects.filter(scope.units_q(manage=True), kind__in=kinds, closed_on__isnull=True)
        candidates = candidates.exclude(path__startswith=unit.path)  # never under itself
        if unit.parent_id is not None:
            candidates = candidates.exclude(pk=unit.parent_id)
        cast(forms.ModelChoiceField, self.fields["new_parent"]).queryset = candidates.order_by("path")


class MergeForm(forms.Form):
    target = UnitChoiceField(label=_("并入"), queryset=OrgUnit.objects.none())
    on_date = forms.DateField(label=_("合并日期"), widget=DateInput, required=False)

    def __init__(self, *args: Any, unit: OrgUnit, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rank = selectors.RANK[unit.kind]
        kinds = [kind for kind, r in selectors.RANK.items() if r == rank]
        cast(forms.ModelChoiceField, self.fields["target"]).queryset = (
            OrgUnit.objects.filter(scope.units_q(manage=True), kind__in=kinds, closed_on__isnull=True)
            .exclude(pk=unit.pk)
            .order_by("path")
        )
        self.fields["on_date"].initial = timezone.localdate()


class CloseForm(forms.Form):
    on_date = forms.DateField(label=_("撤销日期"), widget=DateInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on_date"].initial = timezone.localdate()


class TermForm(forms.Form):
    started_on = forms.DateField(label=_("本届开始"), widget=DateInput)
    ends_on = forms.DateField(
        label=_("届满日期"), widget=DateInput, required=False, help_text=_("不填则按规定届期自动计算。")
    )


class PositionAssignForm(forms.Form):
    member = MemberChoiceField(label=_("党员"), queryset=Member.objects.none())
    kind = forms.ChoiceField(label=_("职务"))
    started_on = forms.DateField(label=_("任职日期"), widget=DateInput)

    def __init__(self, *args: Any, unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["member"]).queryset = selectors.unit_eligible_members(unit=unit)
        if unit.kind == OrgUnit.Kind.PARTY_GROUP:
            kinds = [Position.Kind.GROUP_LEADER]
        else:
            kinds = list(selectors.COMMITTEE_POSITIONS)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [(k, Position.Kind(k).label) for k in kinds]
        self.fields["started_on"].initial = timezone.localdate()


class PositionEndForm(forms.Form):
    ended_on = forms.DateField(label=_("免职日期"), widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()


class GrantForm(forms.Form):
    """A grant from the org tree page: the account by username, name or student/staff number
    (``grants.account_lookup``), the role, and the days in force."""

    account = forms.CharField(label=_("账号"), max_length=150, help_text=_("账号、姓名或学号/工号"))
    role = forms.ChoiceField(label=_("角色"))
    starts_on = forms.DateField(label=_("生效日期"), widget=DateInput, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("截止日期"), widget=DateInput, required=False, help_text=_("不填为长期有效"))

    def __init__(self, *args: Any, unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = AdminGrant.Role.INSTITUTION_ADMIN if unit.parent_id is None else AdminGrant.Role.UNIT_ADMIN
        cast(forms.ChoiceField, self.fields["role"]).choices = [(role.value, role.label)]
