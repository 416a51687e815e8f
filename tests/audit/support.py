"""Audit rows at a chosen time. occurred_at is auto_now_add and the table refuses UPDATE, so a
row in the past is written with a plain INSERT."""

from __future__ import annotations

import json
from datetime import datetime

from django.db import connection


def insert_event(
    *,
    occurred_at: datetime,
    event: str = "auth.login",
    actor_username: str = "",
    object_type: str = "",
    object_id: str = "",
    detail: dict | None = None,
) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (occurred_at, event, actor_username, object_type, object_id, detail) "
            "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            [occurred_at, event, actor_username, object_type, object_id, json.dumps(detail or {})],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])
