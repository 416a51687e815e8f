"""Worker steps of a roster import. Thin: they run the service inside the institution's schema
(``@institution_task``) and in the uploader's language, so the errors they store read in it."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from tenants.tasks import institution_task

from . import imports
from .models import ImportJob


@institution_task()
def validate_import(job_id: str, language: str = settings.LANGUAGE_CODE) -> str:
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return "missing"
    with translation.override(language):
        return imports.import_validate(job=job).status


@institution_task()
def commit_import(job_id: str, language: str = settings.LANGUAGE_CODE) -> str:
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return "missing"
    with translation.override(language):
        return imports.import_commit(job=job).status


@institution_task()
def expire_stale_imports() -> int:
    return imports.import_jobs_expire()
