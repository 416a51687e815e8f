"""Reads of member records, always narrowed to what the acting user may see (scope.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from services.organization.scope import Scope, scope_for

__all__ = ["member_get", "member_history", "member_list", "retained_since", "scope_for"]

from .models import Member, MemberChange


def member_of(user: Any) -> Member | None:
    """The member record linked to ``user`` (with its branch), or None: an anonymous visitor, or an
    account with no record (a console user, an applicant)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("branch").filter(user_id=user.pk).first()


def member_list(
    *,
    acting_user: Any,
    scope: Scope | None = None,
    branch_id: int | None = None,
    q: str = "",
    status: str = "",
    category: str = "",
) -> QuerySet[Member]:
    """Members the user may see, filtered. Each filter has an index: branch (+status/+name),
    name, status. The branch filter includes the subtree below the chosen unit."""
    scope = scope or scope_for(acting_user)
    members = Member.objects.filter(scope.members_q()).select_related("branch")
    if branch_id:
        members = members.filter(Q(branch_id=branch_id) | Q(branch__path__startswith=_path_of(branch_id)))
    if q:
        members = members.filter(Q(name__startswith=q) | Q(number=q))
    if status:
        members = members.filter(status=status)
    if category:
        members = members.filter(category=category)
    return members.order_by("name", "id")


def _path_of(unit_id: int) -> str:
    from services.organization.models import OrgUnit

    return OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or "-"


def member_get(*, acting_user: Any, pk: int) -> Member:
    """One member the user may see; Member.DoesNotExist otherwise (a 404, never a 403 that
    would confirm the record exists)."""
    return member_list(acting_user=acting_user).get(pk=pk)


def member_history(*, member: Member) -> QuerySet[MemberChange]:
    return MemberChange.objects.filter(member=member).order_by("-changed_at", "-id")


def retained_since(member_ids: Iterable[int] | None = None) -> dict[int, date]:
    """When each retained member became retained: the effective date of their latest status
    change to "retained" in their history (one query, DISTINCT ON member). A status change
    records it; so does an import's 保留组织关系起始日期 column. Members marked retained with no
    such row (imported before the column existed, or without it) are absent: their start is unknown."""
    changes = MemberChange.objects.filter(kind="status", member__status=Member.Status.RETAINED).filter(
        changes__status__1=Member.Status.RETAINED
    )
    if member_ids is not None:
        changes = changes.filter(member_id__in=list(member_ids))
    rows = (
        changes.order_by("member_id", "-changed_at", "-id")
        .distinct("member_id")
        .values_list("member_id", "changes", "changed_at")
    )
    since: dict[int, date] = {}
    for member_id, change, changed_at in rows:
        effective = (change.get("effective_on") or [None, None])[1]
        since[member_id] = date.fromisoformat(effective) if effective else changed_at.date()
    return since
