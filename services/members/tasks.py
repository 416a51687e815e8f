"""Worker steps of a roster import. Thin: they run the service inside the institution's schema
(``@institution_task``) and in the uploader's language, so the errors they store read in it.

Both steps run under leases (imports/leases.py); the housekeeping sweep re-queues a job whose
worker died, and a step given up after repeated interruptions fails the job with a reason."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tenants.housekeeping import sweeper
from tenants.tasks import institution_task

from . import imports
from .models import ImportJob

# 50,000 rows parsed, checked against the database and written in one transaction.
IMPORT_LIMITS = {"soft_time_limit": 600, "time_limit": 660, "memory_limit_mb": 1536, "max_deliveries": 4}


def _give_up(job_id: str, language: str = settings.LANGUAGE_CODE) -> None:
    with translation.override(language):
        imports.job_give_up(job_id=job_id, reason=imports.leases.interrupted_reason())


def _revive_validation(job_id: str, language: str = settings.LANGUAGE_CODE) -> None:
    imports.leases.job_revive(job_id=job_id, status=ImportJob.Status.VALIDATING)


def _revive_commit(job_id: str, language: str = settings.LANGUAGE_CODE) -> None:
    imports.leases.job_revive(job_id=job_id, status=ImportJob.Status.COMMITTING)


@institution_task(
    verbose_name=_("校验导入的表格（名册、工资表）"), abandon=_give_up, revive=_revive_validation, **IMPORT_LIMITS
)
def validate_import(job_id: str, language: str = settings.LANGUAGE_CODE) -> str:
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return "missing"
    with translation.override(language):
        return imports.import_validate(job=job).status


@institution_task(
    verbose_name=_("写入导入的表格（名册、工资表）"), abandon=_give_up, revive=_revive_commit, **IMPORT_LIMITS
)
def commit_import(job_id: str, language: str = settings.LANGUAGE_CODE) -> str:
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return "missing"
    with translation.override(language):
        return imports.import_commit(job=job).status


@sweeper("members.import_leases")
def sweep_import_jobs() -> dict[str, int]:
    """Every minute (housekeeping): re-queue import jobs whose worker died or whose message was lost."""
    return imports.jobs_sweep()
