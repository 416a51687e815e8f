"""The console's tasks moved from tenants/tasks.py to console/tasks.py, and their names with them:
a delivery recorded under an old name (a durable archive message waiting for its relay) is
renamed, with its key, so that the relay publishes the task that exists now."""

import hashlib
import json

from django.db import migrations

RENAMED = {
    "tenants.tasks.archive_institution": "console.tasks.archive_institution",
    "tenants.tasks.clear_expired_sessions": "console.tasks.clear_expired_sessions",
    "tenants.tasks.clear_expired_console_sessions": "console.tasks.clear_expired_console_sessions",
}


def _key(task_name, args, kwargs):
    # tenants.deliveries.delivery_key as it is today (a migration does not follow later changes).
    payload = json.dumps([task_name, list(args), dict(kwargs or {})], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _rename(apps, names):
    TaskDelivery = apps.get_model("tenants", "TaskDelivery")
    for row in TaskDelivery.objects.filter(task_name__in=list(names)):
        new = names[row.task_name]
        TaskDelivery.objects.filter(pk=row.pk).update(task_name=new, key=_key(new, row.args, row.kwargs))


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0004_task_delivery"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
