"""Deliveries recorded under the old names of the console's tasks follow them to console/tasks.py."""

from __future__ import annotations

import importlib

from django.apps import apps

from tenants.deliveries import delivery_key
from tenants.models import TaskDelivery


def test_a_delivery_recorded_under_a_moved_task_name_is_renamed_with_its_key(db: None) -> None:
    migration = importlib.import_module("tenants.migrations.0005_console_task_names")
    old, new = "tenants.tasks.archive_institution", "console.tasks.archive_institution"
    row = TaskDelivery.objects.create(key=delivery_key(old, [5, 1], {}), task_name=old, args=[5, 1])
    migration.forwards(apps, None)
    row.refresh_from_db()
    assert row.task_name == new and row.key == delivery_key(new, [5, 1], {})
    migration.backwards(apps, None)
    row.refresh_from_db()
    assert row.task_name == old and row.key == delivery_key(old, [5, 1], {})
