"""Whom a run of activation slips is for: the members of a unit's subtree (a branch, or a
college and every branch below it) who may sign in, narrowed by filters, and who may ask."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from services.members.models import Member
from services.members.status import OFF_ROLL_STATUSES
from services.organization.models import OrgUnit
from services.organization.scope import Scope, can_manage, require_manage

# Those who may sign in: everyone on the roll (the off-roll never get a slip).
ISSUABLE_STATUSES: tuple[str, ...] = tuple(s for s in Member.Status.values if s not in OFF_ROLL_STATUSES)


@dataclass(frozen=True)
class Selection:
    """A unit and the filters: only those not activated yet (the default), a category, some
    statuses (empty: every status of those who may sign in)."""

    unit_id: int
    not_activated: bool = True
    category: str = ""
    statuses: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {"not_activated": self.not_activated, "category": self.category, "statuses": list(self.statuses)}

    @classmethod
    def from_json(cls, unit_id: int, data: dict[str, Any]) -> Selection:
        return cls(
            unit_id=unit_id,
            not_activated=bool(data.get("not_activated", True)),
            category=str(data.get("category", "")),
            statuses=tuple(data.get("statuses", ())),
        )


def can_issue_slips(*, acting_user: Any, unit: OrgUnit, scope: Scope | None = None) -> bool:
    """Whether ``acting_user`` may issue slips for ``unit``'s members: they manage its subtree."""
    return can_manage(acting_user=acting_user, unit=unit, scope=scope)


def selection_unit(*, acting_user: Any, selection: Selection) -> OrgUnit:
    """The selected unit, if ``acting_user`` manages it (PermissionDenied otherwise), after
    checking the filters (ValidationError keyed by the filter)."""
    if selection.category and selection.category not in Member.Category.values:
        raise ValidationError({"category": _("人员类别无效。")})
    if any(status not in ISSUABLE_STATUSES for status in selection.statuses):
        raise ValidationError({"statuses": _("只能为在册党员签发激活单（转出、停止党籍、去世的除外）。")})
    unit = OrgUnit.objects.filter(pk=selection.unit_id).first()
    if unit is None:
        raise ValidationError({"unit": _("所选党组织不存在。")})
    require_manage(acting_user=acting_user, unit=unit, message=_("您无权为“%(unit)s”的党员签发激活单。"))
    return unit


def selection_members(*, selection: Selection, unit: OrgUnit) -> QuerySet[Member]:
    """The members selected (by branch path prefix, status, category: each has an index)."""
    statuses = selection.statuses or ISSUABLE_STATUSES
    members = Member.objects.filter(branch__path__startswith=unit.path, status__in=statuses)
    if selection.category:
        members = members.filter(category=selection.category)
    if selection.not_activated:
        members = members.filter(Q(user__isnull=True) | Q(user__activated_at__isnull=True))
    return members


def scope_label(*, unit: OrgUnit, selection: Selection) -> str:
    """How the batch is named in lists: the unit and the filters that narrow it."""
    parts = [unit.name]
    if selection.not_activated:
        parts.append(_("未激活"))
    if selection.category:
        parts.append(str(Member.Category(selection.category).label))
    if selection.statuses:
        parts.append("、".join(str(Member.Status(s).label) for s in selection.statuses))
    return " · ".join(parts)[:200]
