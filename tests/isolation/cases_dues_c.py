"""Isolation cases of the dues bases, the payroll import, declarations and 我的党费 (merged into
test_isolation's CASES)."""

from __future__ import annotations

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _member(owner: User, marker: str) -> models.Model:
    from tests.factories import MemberFactory

    return MemberFactory(name=marker)


def _payroll_job(owner: User, marker: str) -> models.Model:
    """A payroll import with errors about people: only its uploader may see it."""
    from services.members.models import ImportJob

    return ImportJob.objects.create(
        kind="dues_payroll",
        created_by=owner,
        filename=f"{marker}.xlsx",
        file_key=f"x/{marker}.xlsx",
        errors=[{"row": 2, "message": marker}],
    )


def _declaration(owner: User, marker: str) -> models.Model:
    from datetime import date
    from decimal import Decimal

    from services.dues.models import BaseDeclaration
    from tests.factories import MemberFactory

    return BaseDeclaration.objects.create(
        member=MemberFactory(name=marker), monthly_base=Decimal("5000"), starts_on=date(2027, 1, 1), reason=marker
    )


def _pending(obj: models.Model) -> bool:
    from services.dues.models import BaseDeclaration

    return BaseDeclaration.objects.filter(pk=obj.pk, status=BaseDeclaration.Status.PENDING).exists()


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "dues_bases:list"): Case("collection", factory=_member),
    (TENANT, "dues_bases:edit"): Case("object", factory=_member, methods=("get", "post")),
    (TENANT, "dues-bases"): Case("collection", factory=_member),
    (TENANT, "dues-member-bases"): Case("object", factory=_member, methods=("get", "post")),
    (TENANT, "dues_bases:import"): Case("page", methods=("get", "post")),
    (TENANT, "dues_bases:import_template"): Case("page"),
    (TENANT, "dues_bases:import_job"): Case("object", factory=_payroll_job),
    (TENANT, "dues_bases:import_confirm"): Case("object", factory=_payroll_job, methods=("post",)),
    (TENANT, "dues_bases:import_errors"): Case("object", factory=_payroll_job),
    (TENANT, "dues-bases-imports"): Case("page", methods=("post",)),
    (TENANT, "dues-bases-import"): Case("object", factory=_payroll_job),
    (TENANT, "dues-bases-import-confirm"): Case("object", factory=_payroll_job, methods=("post",)),
    (TENANT, "dues_bases:declarations"): Case("collection", factory=_declaration),
    (TENANT, "dues_bases:declaration"): Case("object", factory=_declaration, methods=("post",), exists=_pending),
    (TENANT, "dues-declarations"): Case("collection", factory=_declaration),
    (TENANT, "dues-declaration-decide"): Case("object", factory=_declaration, methods=("post",), exists=_pending),
    (TENANT, "dues_mine:declare"): Case("page", methods=("get", "post")),
    (TENANT, "dues-mine-declarations"): Case("page", methods=("get", "post")),
    (TENANT, "dues_mine:page"): Case("page"),
    (TENANT, "dues-mine"): Case("page"),
}
