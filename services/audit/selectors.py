"""Reading the audit log: filtered, newest first, one page at a time.

Pages are cut by a keyset cursor (the last row's time and id) rather than an offset and a total:
the log only grows, a COUNT(*) over months of logins would cost more than the page itself, and
an offset page drifts while new rows arrive. Each page is one query whatever the table's size,
served by the indexes on occurred_at, event, actor_username and (object_type, object_id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from services.kernel.inputs import ascii_int

from .models import AuditEvent

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    event: str = ""
    actor_username: str = ""
    occurred_from: datetime | None = None  # inclusive
    occurred_to: datetime | None = None  # exclusive
    object_type: str = ""
    object_id: str = ""


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    next_cursor: str  # "" on the last page


def audit_events(*, filters: AuditFilter) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if filters.event:
        events = events.filter(event=filters.event)
    if filters.actor_username:
        events = events.filter(actor_username=filters.actor_username)
    if filters.occurred_from is not None:
        events = events.filter(occurred_at__gte=filters.occurred_from)
    if filters.occurred_to is not None:
        events = events.filter(occurred_at__lt=filters.occurred_to)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    return events.order_by("-occurred_at", "-id")


def encode_cursor(event: AuditEvent) -> str:
    return f"{event.occurred_at.isoformat()}_{event.pk}"


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    """The position a cursor points after; None for a missing or mangled one (first page)."""
    moment, _, pk = cursor.rpartition("_")
    number = ascii_int(pk)
    try:
        when = datetime.fromisoformat(moment)
    except ValueError:
        return None
    return (when, number) if when.tzinfo is not None and number is not None else None


def audit_event_page(*, filters: AuditFilter, cursor: str = "", page_size: int = PAGE_SIZE) -> AuditPage:
    """One page of matching events, newest first, after ``cursor``."""
    events = audit_events(filters=filters)
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        when, pk = position
        events = events.filter(Q(occurred_at__lt=when) | Q(occurred_at=when, id__lt=pk))
    rows = list(events[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    return AuditPage(events=rows, next_cursor=encode_cursor(rows[-1]) if more else "")
