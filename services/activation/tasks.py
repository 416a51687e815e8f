"""Worker steps of activation: rendering a large run of slips, and the housekeeping sweep that
deletes slip PDFs nobody downloaded in time."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tenants.housekeeping import sweeper
from tenants.tasks import institution_task

from . import slips
from .models import SlipJob

# 30,000 slips: codes, accounts and a PDF of 3,000 pages.
SLIP_LIMITS = {"soft_time_limit": 600, "time_limit": 660, "memory_limit_mb": 1536, "max_deliveries": 3}


@institution_task(verbose_name=_("生成激活单"), **SLIP_LIMITS)
def render_slips(job_id: str, language: str = settings.LANGUAGE_CODE) -> str:
    job = SlipJob.objects.select_related("created_by", "unit").filter(pk=job_id).first()
    if job is None:
        return "missing"
    with translation.override(language or settings.LANGUAGE_CODE):
        return slips.slip_job_run(job=job).status


@sweeper("activation.slip_files")
def sweep_slip_files() -> int:
    """Every minute (housekeeping): slip PDFs past their day are deleted."""
    return slips.slips_sweep()
