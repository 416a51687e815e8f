"""Small pieces every transfer service shares: the current institution, letter numbers, the
validity rule, history rows and the permission check."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from services.members.models import Member, MemberChange
from services.members.services import TRANSITIONS
from services.organization.models import OrgUnit
from services.organization.scope import Scope
from services.organization.scope import require_manage as scope_require_manage
from services.rules.resolver import RuleValue, rule
from tenants.db import connection
from tenants.models import Institution

from .models import LetterCounter

VALIDITY_RULE = "transfer.letter_validity_days"
# A member whose status may become "transferred out" (services/members/services.py TRANSITIONS).
MAY_LEAVE = frozenset(status for status, targets in TRANSITIONS.items() if Member.Status.TRANSFERRED_OUT in targets)


def current_institution() -> Institution:
    """The institution whose schema the connection is in (a request's, a task's or a test's)."""
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Institution):
        return tenant
    return Institution.objects.get(schema_name=connection.schema_name)


def validity(on: date) -> tuple[date, RuleValue]:
    """The last day a letter issued on ``on`` is valid: ``transfer.letter_validity_days`` after it
    (docs/domain.md#transfers, e.g. 90 days), as the rule set in force on the issue date says."""
    value = rule(VALIDITY_RULE, on=on)
    return on + timedelta(days=value.number), value


def next_numbers(*, code: str, year: int, count: int = 1) -> list[str]:
    """``count`` consecutive letter numbers "<code>-<year>-<seq>" (call inside a transaction: the
    counter row stays locked until it commits, so two letters never share a number)."""
    LetterCounter.objects.get_or_create(year=year)
    counter = LetterCounter.objects.select_for_update().get(year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"{code}-{year}-{seq:04d}" for seq in range(first, first + count)]


def require_manage(*, acting_user: Any, unit: OrgUnit, scope: Scope | None = None) -> None:
    scope_require_manage(acting_user=acting_user, unit=unit, message=_("您无权管理“%(unit)s”的党员。"), scope=scope)


def require_may_leave(member: Member) -> None:
    if member.status not in MAY_LEAVE:
        raise ValidationError(
            _("“%(name)s”当前党籍状态为“%(status)s”，不能转出。")
            % {"name": member.name, "status": member.get_status_display()}
        )


def history_row(*, member: Member, acting_user: Any, reason: str, changes: dict[str, list[Any]]) -> MemberChange:
    """An unsaved MemberChange of kind "transferred" (saved one by one or in bulk by the caller)."""
    return MemberChange(
        member=member,
        kind="transferred",
        reason=reason[:200],
        changes=changes,
        actor_id=getattr(acting_user, "pk", None),
        actor_username=getattr(acting_user, "username", "") or "",
    )
