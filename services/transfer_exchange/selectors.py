"""De-identified figures of the exchange for the console: letters in flight between institutions,
counted (no names, no numbers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from .models import ExchangeLetter

IN_FLIGHT = (ExchangeLetter.Status.PENDING, ExchangeLetter.Status.ACCEPTED)


@dataclass(frozen=True)
class Flow:
    from_name: str
    to_name: str
    pending: int
    moving: int
    expired: int


def letters_in_flight(*, today: date | None = None) -> list[Flow]:
    """Open letters per (sending, receiving) institution: awaiting a decision, accepted but not
    yet moved, and past their validity while awaiting a decision. One query."""
    today = today or timezone.localdate()
    rows = (
        ExchangeLetter.objects.filter(status__in=IN_FLIGHT)
        .values("from_institution__name", "to_institution__name")
        .annotate(
            pending=Count("pk", filter=Q(status=ExchangeLetter.Status.PENDING)),
            moving=Count("pk", filter=Q(status=ExchangeLetter.Status.ACCEPTED)),
            expired=Count("pk", filter=Q(status=ExchangeLetter.Status.PENDING, valid_until__lt=today)),
        )
        .order_by("from_institution__name", "to_institution__name")
    )
    return [
        Flow(
            from_name=r["from_institution__name"] or "—",
            to_name=r["to_institution__name"] or "—",
            pending=r["pending"],
            moving=r["moving"],
            expired=r["expired"],
        )
        for r in rows
    ]
