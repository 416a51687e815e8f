"""Isolation cases for the 组织生活 board, a branch's plan and the compliance API (merged into
test_isolation's CASES)."""

from __future__ import annotations

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _branch(owner: User, marker: str) -> models.Model:
    """A branch named ``marker``: a card of the board, a row of the API."""
    from services.organization.models import OrgUnit
    from services.organization.services import org_unit_create

    return org_unit_create(name=marker, kind=OrgUnit.Kind.BRANCH)


def _no_settings(obj: models.Model) -> bool:
    """The branch is there and a refused request set no theme day for it."""
    from services.orglife.models import BranchLifeSettings

    return type(obj).objects.filter(pk=obj.pk).exists() and not BranchLifeSettings.objects.filter(branch=obj).exists()


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "orglife_board:board"): Case("collection", factory=_branch),
    (TENANT, "orglife_board:branch"): Case("object", factory=_branch),
    (TENANT, "orglife_board:plan"): Case("object", factory=_branch, methods=("get", "post")),
    (TENANT, "orglife_board:settings"): Case("object", factory=_branch, methods=("post",), exists=_no_settings),
    (TENANT, "orglife-compliance"): Case("collection", factory=_branch),
}
