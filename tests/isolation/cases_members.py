"""Isolation cases for the roster import API (merged into test_isolation's CASES)."""

from __future__ import annotations

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _import_job(owner: User, marker: str) -> models.Model:
    """An import job with errors about people: only its uploader may see it."""
    from services.members.models import ImportJob

    return ImportJob.objects.create(
        created_by=owner, filename=f"{marker}.xlsx", file_key=f"x/{marker}.xlsx", errors=[{"row": 2, "message": marker}]
    )


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "member_import:api_start"): Case("page", methods=("post",)),
    (TENANT, "member_import:api_job"): Case("object", factory=_import_job),
    (TENANT, "member_import:api_confirm"): Case("object", factory=_import_job, methods=("post",)),
}
