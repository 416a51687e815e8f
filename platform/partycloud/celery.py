"""The Celery application. Periodic jobs are dispatchers that queue one task per active
institution (tenants/tasks.py); task bodies run inside that institution's schema."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

from services.kernel.actions import connect_task_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")

# Every task gets limits and bounded redeliveries (tenants/task_guard.py).
app = Celery("partycloud", task_cls="tenants.task_guard:BoundedTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each task runs as an action of channel "task" (services/kernel/actions.py): what it audits says so.
connect_task_signals()

app.conf.beat_schedule = {
    "clear-expired-sessions": {
        "task": "tenants.tasks.dispatch",
        "schedule": crontab(minute=17),
        "args": ("console.tasks.clear_expired_sessions",),
    },
    "clear-expired-console-sessions": {
        "task": "console.tasks.clear_expired_console_sessions",
        "schedule": crontab(minute=19),
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
    # Oversight's facts in full each night (every period of this year and last year); a write
    # that changes them asks for a refresh that housekeeping runs within a minute (docs/oversight.md).
    "publish-institution-figures": {
        "task": "tenants.tasks.dispatch",
        "schedule": crontab(hour=2, minute=37),
        "args": ("services.oversight.tasks.publish_figures",),
    },
    # Reminders: one scan per institution each morning, then the digests (services/reminders).
    "scan-reminders": {
        "task": "tenants.tasks.dispatch",
        "schedule": crontab(hour=6, minute=3),
        "args": ("services.reminders.tasks.scan_reminders",),
    },
    "send-reminder-digests": {
        "task": "tenants.tasks.dispatch",
        "schedule": crontab(hour=7, minute=3),
        "args": ("services.reminders.tasks.send_digests",),
    },
    # Documents: queue again the extraction of versions whose task was lost (the institutions'
    # own go through housekeeping below).
    "extract-stale-public-document-versions": {
        "task": "services.documents.tasks.extract_stale_public_versions",
        "schedule": crontab(minute="*/5"),
    },
    # Transfers: re-queue accepted letters whose move never finished (a worker died midway).
    "resume-stalled-transfer-moves": {  # one task: the letters live in the public schema
        "task": "services.transfers.tasks.resume_stalled_moves",
        "schedule": crontab(minute="*/10"),
    },
    # One task a minute per institution runs its relays (tenants/housekeeping.py): the search
    # outbox drain, roster import leases, lost extractions, stalled batch transfers.
    "housekeeping": {
        "task": "tenants.tasks.dispatch",
        "schedule": crontab(minute="*"),
        "args": ("tenants.tasks.housekeep",),
    },
    # On Citus, spare institution schemas ready for provisioning (tenants/spares.py); also queued
    # after each provisioning, so this only catches a lost message.
    "refill-spare-schemas": {
        "task": "tenants.tasks.refill_spare_schemas",
        "schedule": crontab(minute="*/10"),
    },
    # Messages recorded as durable that never started are published again (tenants/deliveries.py).
    "relay-task-deliveries": {
        "task": "tenants.tasks.relay_deliveries",
        "schedule": crontab(minute="*/2"),
    },
    # Search: drain what on_commit did not (broker down, worker died); see services/search.
    "drain-public-search-outbox": {
        "task": "services.search.tasks.drain_public_outbox",
        "schedule": crontab(minute="*"),
    },
}
