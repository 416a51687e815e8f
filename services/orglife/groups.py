"""Party groups (党小组) of a branch: which members are in which group, and the groups below the
size the rule set asks for (``party_group.min_members``, 3 by default). A small group is a warning
the branch's page shows, never a refusal: members are moved one at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.audit.services import audit_record
from services.members.models import Member
from services.members.status import OFF_ROLL_STATUSES
from services.organization.models import OrgUnit
from services.organization.scope import require_manage
from services.rules.resolver import rule

from .audit_events import EVENT_PARTY_GROUP_ASSIGNED

GROUP_MIN_KEY = "party_group.min_members"
NOT_YOURS = gettext_lazy("您无权调整“%(unit)s”的党小组。")


def branch_groups(branch: OrgUnit) -> list[OrgUnit]:
    """The open party groups of ``branch``, by name."""
    return list(
        OrgUnit.objects.filter(parent=branch, kind=OrgUnit.Kind.PARTY_GROUP, closed_on__isnull=True).order_by(
            "name", "pk"
        )
    )


def party_group_assign(*, acting_user: Any, branch: OrgUnit, group: OrgUnit | None, members: Sequence[Member]) -> int:
    """Put ``members`` of ``branch`` into ``group`` (one of the branch's open party groups), or in
    none. Returns how many changed. One audited transaction."""
    require_manage(acting_user=acting_user, unit=branch, message=NOT_YOURS)
    if branch.kind != OrgUnit.Kind.BRANCH:
        raise ValidationError(_("党小组在党支部内设置，请选择一个党支部。"))
    if group is not None and (
        group.kind != OrgUnit.Kind.PARTY_GROUP or group.parent_id != branch.pk or group.closed_on is not None
    ):
        raise ValidationError({"group": _("请选择“%(unit)s”的党小组。") % {"unit": branch.name}})
    if not members:
        raise ValidationError({"members": _("请至少选择一名党员。")})
    strangers = [member.name for member in members if member.branch_id != branch.pk]
    if strangers:
        raise ValidationError(
            {"members": _("%(names)s 不是“%(unit)s”的党员。") % {"names": "、".join(strangers), "unit": branch.name}}
        )
    group_id = group.pk if group is not None else None
    with transaction.atomic():
        rows = list(
            Member.objects.select_for_update()
            .filter(pk__in=[m.pk for m in members], branch=branch)
            .exclude(party_group_id=group_id)
            .values_list("pk", "party_group_id")
        )
        if not rows:
            return 0
        Member.objects.filter(pk__in=[pk for pk, _old in rows]).update(party_group_id=group_id)
        audit_record(
            event=EVENT_PARTY_GROUP_ASSIGNED,
            actor=acting_user,
            target=group or branch,
            before={"groups": {str(pk): old for pk, old in rows}},
            after={"branch": branch.pk, "group": group_id, "members": [pk for pk, _old in rows]},
        )
    return len(rows)


@dataclass
class GroupRow:
    group: OrgUnit | None  # None: members in no group
    members: list[Member] = field(default_factory=list)
    warning: str = ""

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class GroupOverview:
    rows: list[GroupRow]
    minimum: int
    citation: str  # the rule's title and citation, or the institution's reason

    @property
    def warnings(self) -> list[str]:
        return [row.warning for row in self.rows if row.warning]


def group_overview(*, branch: OrgUnit, on: date | None = None) -> GroupOverview:
    """The branch's groups with their members on the roll, the members in no group, and a warning
    for each group below the rule's minimum. Three queries and the rule's."""
    today = on or timezone.localdate()
    minimum_rule = rule(GROUP_MIN_KEY, on=today)
    minimum = minimum_rule.number
    rows = {group.pk: GroupRow(group=group) for group in branch_groups(branch)}
    loose = GroupRow(group=None)
    members = Member.objects.filter(branch=branch).exclude(status__in=OFF_ROLL_STATUSES).order_by("name", "pk")
    for member in members:
        rows.get(member.party_group_id or 0, loose).members.append(member)
    for row in rows.values():
        if row.size < minimum:
            assert row.group is not None
            row.warning = _("“%(group)s”只有 %(n)s 名党员，少于 %(min)s 名。") % {
                "group": row.group.name,
                "n": row.size,
                "min": minimum,
            }
    return GroupOverview(rows=[*rows.values(), loose], minimum=minimum, citation=minimum_rule.explanation)
