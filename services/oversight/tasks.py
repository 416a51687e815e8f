"""Per-institution job that publishes de-identified figures to the public schema."""

from __future__ import annotations

from tenants.db import connection
from tenants.tasks import institution_task

from .services import figures_publish


@institution_task()
def publish_figures() -> None:
    figures_publish(institution=connection.tenant)
