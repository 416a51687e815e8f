"""Administrative grants (AdminGrant): who administers which part of the tree, from when until
when. Given and revoked in the product by the institution's administrators (the org tree page and
``/api/admin-grants/``); the scope (scope.py) reads only grants in force today, so a grant, its end
or its revocation takes effect on the holder's next request.

- an ``institution_admin`` grant sits on the university committee (the root) and opens everything;
- a ``unit_admin`` grant sits on a college (院系党委), a general branch or a branch, and opens its
  subtree.

Each write is one audited transaction (``org.grant_added`` / ``org.grant_revoked``) with a history
row on the unit. ``acting_user=None`` is the system itself (provisioning, the demo seed).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from services.accounts.models import User
from services.audit.services import audit_record
from services.members.models import Member

from . import audit_events
from .models import AdminGrant, OrgUnit, OrgUnitChange
from .scope import forget_scopes, grants_in_force_q, scope_for

# Units a unit_admin grant may sit on: not the root (that is an institution_admin's), not a party
# group (a group is run by its leader, a position).
UNIT_ADMIN_KINDS = frozenset({OrgUnit.Kind.SECOND_LEVEL, OrgUnit.Kind.GENERAL_BRANCH, OrgUnit.Kind.BRANCH})


def can_grant(*, acting_user: Any) -> bool:
    """Whether ``acting_user`` gives and revokes grants: the institution's administrators (the
    superuser and the holders of an institution_admin grant in force); None is the system."""
    return acting_user is None or scope_for(acting_user).everything


def _require_grant(acting_user: Any) -> None:
    if not can_grant(acting_user=acting_user):
        raise PermissionDenied(_("只有学校管理员可以授予或撤销管理权限。"))


def grants_shown_q(*, on: date) -> Q:
    """Grants still to be reckoned with on ``on``: not revoked, and not ended (current or future)."""
    return Q(revoked_at__isnull=True) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def unit_grants(*, unit: OrgUnit, on: date | None = None) -> QuerySet[AdminGrant]:
    """The grants on ``unit`` in force or still to start, oldest first, with their holders."""
    today = on or timezone.localdate()
    return (
        AdminGrant.objects.filter(grants_shown_q(on=today), unit=unit)
        .select_related("user", "granted_by")
        .order_by("starts_on", "pk")
    )


def account_lookup(*, text: str) -> User:
    """The account named by ``text``: a username, else the display name of exactly one account,
    else the name or student/staff number of exactly one member record with an account."""
    text = text.strip()
    if not text:
        raise ValidationError({"account": [_("请输入账号、姓名或学号/工号。")]})
    found = list(User.objects.filter(username=text)[:1])
    if not found:
        found = list(User.objects.filter(display_name=text)[:2])
    if not found:
        members = Member.objects.filter(Q(number=text) | Q(name=text), user__isnull=False).select_related("user")
        found = [member.user for member in members[:2] if member.user is not None]
    if not found:
        raise ValidationError(
            {"account": [_("找不到“%(text)s”的账号：请输入账号、姓名或学号/工号。") % {"text": text}]}
        )
    if len(found) > 1:
        raise ValidationError({"account": [_("“%(text)s”对应多个账号，请输入账号或学号/工号。") % {"text": text}]})
    return found[0]


def _check_role_and_unit(*, role: str, unit: OrgUnit) -> None:
    if role not in AdminGrant.Role.values:
        raise ValidationError({"role": [_("未知的角色。")]})
    if role == AdminGrant.Role.INSTITUTION_ADMIN and unit.parent_id is not None:
        raise ValidationError({"unit": [_("学校管理员只能授予在校党委。")]})
    if role == AdminGrant.Role.UNIT_ADMIN and unit.kind not in UNIT_ADMIN_KINDS:
        raise ValidationError({"unit": [_("院系管理员只能授予在院系党委、党总支或党支部，不能授予在校党委或党小组。")]})
    if unit.closed_on is not None:
        raise ValidationError({"unit": [_("“%(unit)s”已撤销。") % {"unit": unit.name}]})


def _check_dates(*, starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": [_("截止日期不能早于生效日期。")]})
    if ends_on is not None and ends_on < timezone.localdate():
        raise ValidationError({"ends_on": [_("截止日期已过，这项授权不会生效。")]})


def _overlapping(*, user: User, unit: OrgUnit, role: str, starts_on: date, ends_on: date | None) -> bool:
    """Whether ``user`` already holds ``role`` on ``unit`` for some of those days."""
    same = AdminGrant.objects.filter(user=user, unit=unit, role=role, revoked_at__isnull=True)
    same = same.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on is not None:
        same = same.filter(starts_on__lte=ends_on)
    return same.exists()


def _history(*, grant: AdminGrant, kind: str, acting_user: User | None, **change: Any) -> None:
    OrgUnitChange.objects.create(
        unit=grant.unit, kind=kind, actor_username=getattr(acting_user, "username", ""), **change
    )


def grant_add(
    *,
    user: User,
    unit: OrgUnit,
    role: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    acting_user: User | None,
) -> AdminGrant:
    """Give ``user`` ``role`` over ``unit``'s subtree from ``starts_on`` (today by default) until
    ``ends_on`` (none: until revoked). Refused: to anyone but an institution administrator, on the
    wrong kind of unit, to a disabled account, a grant that ends before it starts, and one that
    overlaps a grant of the same role on the same unit."""
    starts_on = starts_on or timezone.localdate()
    _require_grant(acting_user)
    _check_role_and_unit(role=role, unit=unit)
    _check_dates(starts_on=starts_on, ends_on=ends_on)
    with transaction.atomic():
        unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
        user = User.objects.select_for_update().get(pk=user.pk)  # serializes grants to one user
        _check_role_and_unit(role=role, unit=unit)
        if not user.is_active:
            raise ValidationError({"user": [_("账号“%(username)s”已停用，不能授权。") % {"username": user.username}]})
        if _overlapping(user=user, unit=unit, role=role, starts_on=starts_on, ends_on=ends_on):
            raise ValidationError({"user": [_("该账号在这段时间已有此授权。")]})
        grant = AdminGrant.objects.create(
            user=user, unit=unit, role=role, starts_on=starts_on, ends_on=ends_on, granted_by=acting_user
        )
        after = {
            "user": user.pk,
            "username": user.username,
            "role": role,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
        }
        _history(grant=grant, kind="grant_added", acting_user=acting_user, after=after)
        audit_record(
            event=audit_events.GRANT_ADDED, actor=acting_user, target=grant, after=after, detail={"unit": unit.pk}
        )
    forget_scopes()
    return grant


def _would_lock_out(*, grant: AdminGrant, acting_user: User | None) -> bool:
    """Revoking ``grant`` is the acting administrator's own last institution_admin grant in force
    (a superuser's scope does not depend on grants)."""
    if acting_user is None or acting_user.is_superuser or grant.user_id != acting_user.pk:
        return False
    if grant.role != AdminGrant.Role.INSTITUTION_ADMIN:
        return False
    others = AdminGrant.objects.filter(
        grants_in_force_q(on=timezone.localdate()), user_id=acting_user.pk, role=AdminGrant.Role.INSTITUTION_ADMIN
    ).exclude(pk=grant.pk)
    return not others.exists()


def grant_revoke(*, grant: AdminGrant, acting_user: User | None) -> AdminGrant:
    """End ``grant`` now. An institution administrator does not revoke their own last
    institution_admin grant: the institution would lose its administrator."""
    _require_grant(acting_user)
    with transaction.atomic():
        grant = AdminGrant.objects.select_for_update(of=("self",)).select_related("unit", "user").get(pk=grant.pk)
        if grant.revoked_at is not None:
            raise ValidationError(_("该授权已撤销。"))
        if _would_lock_out(grant=grant, acting_user=acting_user):
            raise ValidationError(_("不能撤销您自己唯一的学校管理员授权：请先由其他学校管理员接替。"))
        grant.revoked_at = timezone.now()
        grant.revoked_by = acting_user
        grant.save(update_fields=["revoked_at", "revoked_by"])
        before = {"user": grant.user_id, "username": grant.user.username, "role": grant.role}
        after = {"revoked_at": grant.revoked_at.isoformat()}
        _history(grant=grant, kind="grant_revoked", acting_user=acting_user, before=before, after=after)
        audit_record(
            event=audit_events.GRANT_REVOKED,
            actor=acting_user,
            target=grant,
            before=before,
            after=after,
            detail={"unit": grant.unit_id},
        )
    forget_scopes()
    return grant
