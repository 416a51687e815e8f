"""Isolation cases for the reminders routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from datetime import date

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _reminder(owner: User, marker: str) -> models.Model:
    from services.reminders.models import Reminder

    return Reminder.objects.create(
        recipient=owner,
        key=f"isolation:{marker}",
        source="isolation",
        kind="isolation",
        title=marker,
        due_on=date(2026, 1, 1),
    )


def _unread(obj: models.Model) -> bool:
    from services.reminders.models import Reminder

    return Reminder.objects.filter(pk=obj.pk, read_at__isnull=True).exists()


CASES: dict[tuple[str, str], Case] = {
    # Pages
    (TENANT, "reminders:inbox"): Case("collection", factory=_reminder),
    (TENANT, "reminders:read"): Case("object", factory=_reminder, methods=("post",), exists=_unread),
    (TENANT, "reminders:read_all"): Case("page", methods=("post",)),
    (TENANT, "reminders:preferences"): Case("page", methods=("get", "post")),
    # API
    (TENANT, "reminder-list"): Case("collection", factory=_reminder),
    (TENANT, "reminder-read"): Case("object", factory=_reminder, methods=("post",), exists=_unread),
    (TENANT, "reminder-read-all"): Case("page", methods=("post",)),
    (TENANT, "reminder-preferences"): Case("self", methods=("get", "put")),
}
