"""Isolation cases for administrative grants, 权限一览 and 账号与安全 (merged into test_isolation's
CASES)."""

from __future__ import annotations

from django.db import models

from services.accounts.models import User
from tests.isolation.case import CONSOLE, TENANT, Case


def _grant(owner: User, marker: str) -> models.Model:
    """A grant held by an account named ``marker`` on a unit named ``marker``."""
    from services.organization.models import AdminGrant, OrgUnit
    from services.organization.services import org_unit_create

    holder = User.objects.create(username=marker, display_name=marker)
    unit = org_unit_create(name=marker, kind=OrgUnit.Kind.BRANCH)
    return AdminGrant.objects.create(user=holder, unit=unit, role=AdminGrant.Role.UNIT_ADMIN, granted_by=owner)


def _unit(owner: User, marker: str) -> models.Model:
    from services.organization.models import OrgUnit
    from services.organization.services import org_unit_create

    return org_unit_create(name=marker, kind=OrgUnit.Kind.BRANCH)


def _grant_in_force(obj: models.Model) -> bool:
    from services.organization.models import AdminGrant

    return AdminGrant.objects.filter(pk=obj.pk, revoked_at__isnull=True).exists()


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "organization:grant_add"): Case("object", factory=_unit, methods=("post",)),
    (TENANT, "organization:grant_revoke"): Case("object", factory=_grant, methods=("post",), exists=_grant_in_force),
    (TENANT, "organization:powers"): Case("collection", factory=_grant),
    (TENANT, "admin-grant-list"): Case("collection", factory=_grant, methods=("get", "post")),
    (TENANT, "admin-grant-revoke"): Case("object", factory=_grant, methods=("post",), exists=_grant_in_force),
    (TENANT, "power-holder-list"): Case("collection", factory=_grant),
    # 账号与安全: about the caller only, on both sites (the accounts URLs are mounted on each).
    (TENANT, "accounts:security"): Case("page"),
    (TENANT, "accounts:sessions_end_others"): Case("page", methods=("post",)),
    (CONSOLE, "accounts:security"): Case("page"),
    (CONSOLE, "accounts:sessions_end_others"): Case("page", methods=("post",)),
}
