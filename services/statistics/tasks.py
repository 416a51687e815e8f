"""Per-institution job that publishes the annual tables (counts only) to the public schema; the
figures job may call it too."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tenants.db import connection
from tenants.tasks import institution_task

from .services import recent_tables_publish


@institution_task(
    verbose_name=_("发布党内统计年报"),
    soft_time_limit=300,
    time_limit=360,
    memory_limit_mb=512,
    track_deliveries=False,  # idempotent: an upsert of the year's counts
)
def publish_tables(year: int | None = None) -> None:
    """This year's tables, and last year's (reported in the first months of the next year)."""
    recent_tables_publish(institution=connection.tenant, year=year)
