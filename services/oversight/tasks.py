"""Per-institution jobs that publish de-identified figures to the public schema
(docs/oversight.md#refresh): the nightly full run, and the on-change refresh that the
institution's housekeeping runs at most once a minute when a write asked for one."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from services.statistics.services import recent_tables_publish
from tenants.db import connection
from tenants.housekeeping import sweeper
from tenants.tasks import institution_task

from .services import facts_refresh_due, figures_publish


@institution_task(
    verbose_name=_("发布学校统计数字"),
    soft_time_limit=600,
    time_limit=720,
    memory_limit_mb=512,
    track_deliveries=False,  # nightly, idempotent: only a redelivery is counted
)
def publish_figures() -> None:
    """Nightly (beat, through dispatch): every period of this year and last year, and the annual
    statistics tables of those years."""
    figures_publish(institution=connection.tenant)
    recent_tables_publish(institution=connection.tenant)


# How often an institution's facts may be refreshed after writes: every minute by default; a
# deployment with thousands of busy institutions may space it out (docs/oversight.md#refresh).
REFRESH_MINUTES = settings.OVERSIGHT_FACTS_REFRESH_MINUTES


@sweeper("oversight.facts", every_minutes=REFRESH_MINUTES, order=50)
def _refresh_facts() -> int:
    """The facts of this institution, when a write asked for it since the last run."""
    return facts_refresh_due(institution=connection.tenant)
