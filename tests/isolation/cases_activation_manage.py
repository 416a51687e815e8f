"""Isolation cases for the managers' activation routes: 账号管理, activation slips, their API
(merged into test_isolation's CASES)."""

from __future__ import annotations

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _branch_with_member(owner: User, marker: str) -> models.Model:
    """A branch named ``marker`` with one member on the roll: a row of the status lists."""
    from services.organization.models import OrgUnit
    from services.organization.services import org_unit_create
    from tests.factories import MemberFactory

    unit = org_unit_create(name=marker, kind=OrgUnit.Kind.BRANCH)
    MemberFactory(branch=unit)
    return unit


def _slip_job(owner: User, marker: str) -> models.Model:
    from services.activation.models import SlipJob
    from services.organization.models import OrgUnit
    from services.organization.services import org_unit_create

    unit = org_unit_create(name=marker, kind=OrgUnit.Kind.BRANCH)
    return SlipJob.objects.create(created_by=owner, unit=unit, valid_days=14, total=1)


def _slip_job_ready(obj: models.Model) -> bool:
    from services.activation.models import SlipJob

    return SlipJob.objects.filter(pk=obj.pk, status=SlipJob.Status.QUEUED).exists()


CASES: dict[tuple[str, str], Case] = {
    # Pages
    (TENANT, "activation:manage"): Case("collection", factory=_branch_with_member),
    (TENANT, "activation:manage_unit"): Case("object", factory=_branch_with_member),
    (TENANT, "activation:slips_new"): Case("page", methods=("get", "post")),
    (TENANT, "activation:slip_job"): Case("object", factory=_slip_job),
    (TENANT, "activation:slip_job_status"): Case("object", factory=_slip_job),
    (TENANT, "activation:slip_download"): Case("object", factory=_slip_job, methods=("post",), exists=_slip_job_ready),
    # API
    (TENANT, "activation-sheets"): Case("page", methods=("post",)),
    (TENANT, "activation-sheet-job"): Case("object", factory=_slip_job),
    (TENANT, "activation-sheet-download"): Case("object", factory=_slip_job, exists=_slip_job_ready),
    (TENANT, "activation-status"): Case("collection", factory=_branch_with_member),
}
