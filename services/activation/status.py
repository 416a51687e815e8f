"""What managers read on 账号管理: per branch of their scope, how many members may sign in,
how many have an account, how many activated, how many slips were issued and when, and the last
sign-in; per person of one branch, the state of their account. Aggregated in SQL: a fixed number
of queries whatever the number of branches (never a code, never a password)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from services.accounts.models import ActivationCode
from services.members.models import Member
from services.members.status import OFF_ROLL_STATUSES
from services.organization.models import OrgUnit
from services.organization.scope import Scope, scope_for

from .models import SlipJob


@dataclass(frozen=True)
class BranchStatus:
    unit_id: int
    name: str
    path: str
    members: int
    accounts: int
    activated: int
    slips: int
    slips_pending: int
    last_slip_at: datetime | None
    last_login: datetime | None

    @property
    def not_activated(self) -> int:
        return self.members - self.activated


def _on_roll(scope: Scope) -> QuerySet[Member]:
    return Member.objects.filter(scope.members_q(manage=True)).exclude(status__in=OFF_ROLL_STATUSES)


def branch_statuses(*, acting_user: Any, scope: Scope | None = None) -> list[BranchStatus]:
    """One row per unit of the manager's scope that has members on the roll, in tree order.
    Three queries."""
    scope = scope or scope_for(acting_user)
    if not scope.is_manager:
        return []
    members = (
        _on_roll(scope)
        .values("branch_id")
        .annotate(
            members=Count("pk"),
            accounts=Count("user"),
            activated=Count("user", filter=Q(user__activated_at__isnull=False)),
            last_login=Max("user__last_login"),
        )
    )
    now = timezone.now()
    slips = (
        ActivationCode.objects.filter(
            kind=ActivationCode.Kind.SHEET,
            user__member__in=_on_roll(scope).values("pk"),
        )
        .values("user__member__branch_id")
        .annotate(
            slips=Count("pk"),
            pending=Count("pk", filter=Q(used_at__isnull=True, replaced_at__isnull=True, expires_at__gt=now)),
            last=Max("created_at"),
        )
    )
    slip_rows: dict[int, dict[str, Any]] = {row["user__member__branch_id"]: dict(row) for row in slips}
    counts = {row["branch_id"]: row for row in members}
    units = OrgUnit.objects.filter(pk__in=counts).order_by("path").values_list("pk", "name", "path")
    result = []
    for pk, name, path in units:
        row = counts[pk]
        slip: dict[str, Any] = slip_rows.get(pk, {})
        result.append(
            BranchStatus(
                unit_id=pk,
                name=name,
                path=path,
                members=row["members"],
                accounts=row["accounts"],
                activated=row["activated"],
                slips=slip.get("slips", 0),
                slips_pending=slip.get("pending", 0),
                last_slip_at=slip.get("last"),
                last_login=row["last_login"],
            )
        )
    return result


def unit_people(*, unit: OrgUnit) -> QuerySet[Member]:
    """The members on the roll of ``unit`` itself, with their account and when their last slip
    was issued (one query). The caller checks the scope."""
    return (
        Member.objects.filter(branch=unit)
        .exclude(status__in=OFF_ROLL_STATUSES)
        .select_related("user")
        .annotate(
            last_slip_at=Max(
                "user__activation_codes__created_at",
                filter=Q(user__activation_codes__kind=ActivationCode.Kind.SHEET),
            )
        )
        .only("pk", "name", "number", "status", "branch_id", "user__username", "user__activated_at", "user__last_login")
        .order_by("name", "pk")
    )


def unit_batches(*, unit: OrgUnit, limit: int = 20) -> list[SlipJob]:
    """The slip runs for ``unit``'s subtree: when, by whom, how many, valid until (one query)."""
    return list(
        SlipJob.objects.filter(unit__path__startswith=unit.path, batch__isnull=False)
        .select_related("batch", "created_by", "unit")
        .order_by("-created_at")[:limit]
    )


def scope_batches(*, scope: Scope, limit: int = 20) -> list[SlipJob]:
    """The latest slip batches in the manager's scope (one query)."""
    jobs = (
        SlipJob.objects.filter(scope.units_q("unit__", manage=True), batch__isnull=False)
        .select_related("batch", "created_by", "unit")
        .order_by("-created_at")[:limit]
    )
    return list(jobs)
