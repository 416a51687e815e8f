"""What organizational life hands to study (issue 14 reads it; members enter nothing twice): the
party lectures (党课) and theme party days (主题党日) a member attended, with their length.

Attended means checked in (or marked present by the host) at a meeting that was not cancelled.
The length is the meeting's planned length, start to end; how many class hours (学时) that makes
is study's rule to apply, not this one's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import DurationField, ExpressionWrapper, F, QuerySet, Sum
from django.utils import timezone

from .models import Attendee, Meeting

STUDY_KINDS: tuple[str, ...] = (Meeting.Kind.LECTURE, Meeting.Kind.THEME_DAY)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def study_attendances(*, member_ids: Iterable[int] | QuerySet[Any], year: int) -> QuerySet[Attendee]:
    """The attendances that count: checked in, at a lecture or theme day of ``year``, not cancelled.
    ``member_ids`` may be a query of member ids (joined as a subquery, no ids bound)."""
    start, end = _year_bounds(year)
    return Attendee.objects.filter(
        member_id__in=member_ids if isinstance(member_ids, QuerySet) else list(member_ids),
        checked_in_at__isnull=False,
        meeting__kind__in=STUDY_KINDS,
        meeting__status=Meeting.Status.PLANNED,
        meeting__starts_at__gte=start,
        meeting__starts_at__lt=end,
    )


def study_minutes(*, member_ids: Iterable[int] | QuerySet[Any], year: int) -> dict[int, int]:
    """Minutes of lectures and theme days attended in ``year``, per member (one aggregate query);
    members who attended none are absent from the result."""
    length = ExpressionWrapper(F("meeting__ends_at") - F("meeting__starts_at"), output_field=DurationField())
    rows = (
        study_attendances(member_ids=member_ids, year=year)
        .values("member_id")
        .annotate(total=Sum(length))
        .values_list("member_id", "total")
    )
    return {member_id: int((total or timedelta()).total_seconds() // 60) for member_id, total in rows}
