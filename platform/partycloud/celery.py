"""The Celery application. Periodic jobs are dispatchers that queue one task per active
institution (tenants/tasks.py); task bodies run inside that institution's schema."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")

app = Celery("partycloud")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "clear-expired-sessions": {
        "task": "tenants.tasks.dispatch",
        "schedule": crontab(minute=17),
        "args": ("tenants.tasks.clear_expired_sessions",),
    },
    "purge-expired-audit": {
        "task": "tenants.tasks.dispatch",
        "schedule": crontab(hour=3, minute=7),
        "args": ("services.audit.tasks.purge_expired_audit",),
    },
    "purge-expired-public-audit": {
        "task": "services.audit.tasks.purge_expired_public_audit",
        "schedule": crontab(hour=3, minute=5),
    },
    "expire-stale-imports": {
        "task": "tenants.tasks.dispatch",
        "schedule": crontab(minute=41),
        "args": ("services.members.tasks.expire_stale_imports",),
    },
    "publish-institution-figures": {
        "task": "tenants.tasks.dispatch",
        "schedule": crontab(minute="*/15"),
        "args": ("services.oversight.tasks.publish_figures",),
    },
}
