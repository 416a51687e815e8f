"""Isolation cases of the dues bases, the payroll import, declarations and 我的党费 (merged into
test_isolation's CASES)."""

from __future__ import annotations

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _member(owner: User, marker: str) -> models.Model:
    from tests.factories import MemberFactory

    return MemberFactory(name=marker)


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "dues_bases:list"): Case("collection", factory=_member),
    (TENANT, "dues_bases:edit"): Case("object", factory=_member, methods=("get", "post")),
    (TENANT, "dues-bases"): Case("collection", factory=_member),
    (TENANT, "dues-member-bases"): Case("object", factory=_member, methods=("get", "post")),
    (TENANT, "dues_mine:page"): Case("page"),
    (TENANT, "dues-mine"): Case("page"),
}
