"""Isolation cases for 标准化建设 (merged into test_isolation's CASES): the console's indicator
systems, and an institution's assessments (their builders for the matrix world are here too)."""

from __future__ import annotations

import io

from django.db import models
from django_tenants.utils import schema_context

from services.accounts.models import User
from services.storage.backends import get_storage
from tests.isolation.case import CONSOLE, TENANT, Case

POST = ("post",)


def _published_system() -> models.Model:
    from services.standards.models import IndicatorSystem

    with schema_context("public"):  # inserted published at once: the guard refuses only changes
        system, _created = IndicatorSystem.objects.get_or_create(
            name="MX-standards-system", year=2026, defaults={"status": IndicatorSystem.Status.PUBLISHED}
        )
    return system


def assessment_of(branch: models.Model, marker: str) -> models.Model:
    from services.standards.models import Assessment

    return Assessment.objects.create(unit=branch, year=2026, system_id=_published_system().pk, returned_note=marker)


def evidence_of(branch: models.Model, marker: str) -> models.Model:
    """An uploaded document of a fresh assessment of ``branch`` (a year of its own)."""
    from services.standards.models import Assessment, Evidence

    assessment = Assessment.objects.create(unit=branch, year=2025, system_id=_published_system().pk)
    evidence = Evidence.objects.create(
        assessment=assessment, node_id=0, kind=Evidence.Kind.UPLOAD, title=marker, filename=f"{marker}.txt",
        storage_key=f"matrix/standards/{marker}.txt", content_type="text/plain", size=1,
    )  # fmt: skip
    get_storage().save(evidence.storage_key, io.BytesIO(b"x"))  # removed with the world (remove_files)
    return evidence


def local_system_of(marker: str) -> models.Model:
    """The institution's local items (a draft in its own schema)."""
    from services.standards.models import IndicatorSystem

    return IndicatorSystem.objects.create(name=marker, year=2026)


def _local_system(owner: User, marker: str) -> models.Model:
    return local_system_of(marker)


def _assessment(owner: User, marker: str) -> models.Model:
    from services.organization.models import OrgUnit

    return assessment_of(OrgUnit.objects.create(name=marker, kind=OrgUnit.Kind.BRANCH), marker)


CASES: dict[tuple[str, str], Case] = {
    (CONSOLE, "console:standards_systems"): Case("console", methods=("get", "post")),
    (CONSOLE, "console:standards_import"): Case("console", methods=POST),
    (CONSOLE, "console:standards_system"): Case("console"),
    (CONSOLE, "console:standards_settings"): Case("console", methods=POST),
    (CONSOLE, "console:standards_node"): Case("console", methods=POST),
    (CONSOLE, "console:standards_publish"): Case("console", methods=POST),
    (CONSOLE, "console:standards_new_version"): Case("console", methods=POST),
    (CONSOLE, "console:standards_delete"): Case("console", methods=("get", "post")),
    (CONSOLE, "console:standards_export"): Case("console"),
    (CONSOLE, "console:standards_preview"): Case("console"),
    (CONSOLE, "console:standards_spot_checks"): Case("console", methods=("get", "post")),
    (CONSOLE, "standards-system-list"): Case("console"),
    (CONSOLE, "standards-system-detail"): Case("console"),
    (CONSOLE, "standards-system-publish"): Case("console", methods=POST),
    # The institution's pages
    (TENANT, "standards:home"): Case("page"),
    (TENANT, "standards:branch"): Case("page"),
    (TENANT, "standards:start"): Case("page", methods=POST),
    (TENANT, "standards:evidence"): Case("object", factory=_assessment, methods=POST),
    (TENANT, "standards:evidence_file"): Case("page"),
    (TENANT, "standards:note"): Case("object", factory=_assessment, methods=POST),
    (TENANT, "standards:submit"): Case("object", factory=_assessment, methods=POST),
    (TENANT, "standards:review"): Case("object", factory=_assessment, methods=POST),
    (TENANT, "standards:local"): Case("page", methods=("get", "post")),
    (TENANT, "standards:local_detail"): Case("object", factory=_local_system),
    (TENANT, "standards:local_publish"): Case("object", factory=_local_system, methods=POST),
    (TENANT, "standards:local_delete"): Case("object", factory=_local_system, methods=POST),
    (TENANT, "standards:local_export"): Case("object", factory=_local_system),
    # API
    (TENANT, "standards-assessment-list"): Case("collection", factory=_assessment),
    (TENANT, "standards-assessment-detail"): Case("object", factory=_assessment),
    (TENANT, "standards-assessment-links"): Case("object", factory=_assessment, methods=POST),
    (TENANT, "standards-assessment-submit"): Case("object", factory=_assessment, methods=POST),
    (TENANT, "standards-assessment-review"): Case("object", factory=_assessment, methods=POST),
}
