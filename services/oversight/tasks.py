"""Per-institution job that publishes de-identified figures to the public schema."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tenants.db import connection
from tenants.tasks import institution_task

from .services import figures_publish


@institution_task(
    verbose_name=_("发布学校统计数字"),
    soft_time_limit=120,
    time_limit=180,
    memory_limit_mb=256,
    track_deliveries=False,  # every 15 minutes, idempotent: only a redelivery is counted
)
def publish_figures() -> None:
    figures_publish(institution=connection.tenant)
