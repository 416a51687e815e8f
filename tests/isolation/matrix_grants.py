"""Matrix rows (``matrix.py``) of administrative grants, 权限一览 and 账号与安全."""

from __future__ import annotations

from tests.isolation.case import CONSOLE, TENANT
from tests.isolation.matrix import CONSOLE_SIGNED_IN, INSTITUTION_ADMIN, SIGNED_IN, Row

MATRIX: dict[tuple[str, str], Row] = {
    # Only the institution's administrators give and end grants, and see who holds what.
    (TENANT, "organization:grant_add"): Row(INSTITUTION_ADMIN, "org_unit"),
    (TENANT, "organization:grant_revoke"): Row(INSTITUTION_ADMIN, "admin_grant"),
    (TENANT, "organization:powers"): Row(INSTITUTION_ADMIN, "admin_grant"),
    (TENANT, "admin-grant-list"): Row(INSTITUTION_ADMIN, "admin_grant"),
    (TENANT, "admin-grant-revoke"): Row(INSTITUTION_ADMIN, "admin_grant"),
    (TENANT, "power-holder-list"): Row(INSTITUTION_ADMIN, "admin_grant"),
    # 账号与安全: the caller's own sessions. Signing out the others would end the other clients the
    # suite keeps for the same actor: sent by an anonymous visitor only.
    (TENANT, "accounts:security"): Row(SIGNED_IN),
    (TENANT, "accounts:sessions_end_others"): Row(SIGNED_IN, writes_allowed=False),
    (CONSOLE, "accounts:security"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "accounts:sessions_end_others"): Row(CONSOLE_SIGNED_IN, writes_allowed=False),
}
