"""我的会议日历: a private iCalendar address per user, and the meetings it lists.

A calendar app fetches the address without a session, so the token in it is the credential: made
with ``secrets``, found by its keyed hash, revocable. A user has at most one live address; making a
new one revokes the old (every device subscribed to it stops updating). The feed lists the meetings
the user is on the list of, as a member or as an invitee, from half a year back to a year ahead;
a cancelled meeting stays in it as CANCELLED so the phone removes it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.crypto import blind_index
from tenants.db import connection

from .audit_events import EVENT_CALENDAR_ISSUED, EVENT_CALENDAR_REVOKED
from .ical import Event
from .models import Attendee, CalendarFeed, Meeting

PAST_DAYS = 183
FUTURE_DAYS = 400
MOST = 500


def _index(token: str) -> str:
    return blind_index(f"orglife.calendar:{token}")


def calendar_feed_live(*, user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_feed_issue(*, acting_user: Any) -> CalendarFeed:
    """A new private address for ``acting_user``; the one they had stops working."""
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        old = list(CalendarFeed.objects.select_for_update().filter(user=acting_user, revoked_at__isnull=True))
        CalendarFeed.objects.filter(pk__in=[feed.pk for feed in old]).update(revoked_at=timezone.now())
        feed = CalendarFeed.objects.create(user=acting_user, token=token, token_index=_index(token))
        audit_record(
            event=EVENT_CALENDAR_ISSUED,
            actor=acting_user,
            target=feed,
            before={"feeds": [f.pk for f in old]} if old else None,
            after={"feed": feed.pk},
        )
    return feed


def calendar_feed_revoke(*, acting_user: Any) -> int:
    """Stop ``acting_user``'s address; how many were live (0 or 1)."""
    with transaction.atomic():
        live = list(CalendarFeed.objects.select_for_update().filter(user=acting_user, revoked_at__isnull=True))
        CalendarFeed.objects.filter(pk__in=[feed.pk for feed in live]).update(revoked_at=timezone.now())
        for feed in live:
            audit_record(event=EVENT_CALENDAR_REVOKED, actor=acting_user, target=feed, before={"feed": feed.pk})
    return len(live)


def calendar_feed_for(token: str) -> CalendarFeed | None:
    """The live address ``token`` opens, of an active account; None for anything else."""
    if not token or len(token) > 64:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_index=_index(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def calendar_meetings(*, user: Any) -> list[Meeting]:
    """The meetings ``user`` is listed at (member record or dossier), in the feed's window."""
    now = timezone.now()
    mine = Attendee.objects.filter(Q(member__user=user) | Q(dossier__user=user)).values("meeting_id")
    return list(
        Meeting.objects.filter(
            pk__in=mine,
            starts_at__gte=now - timedelta(days=PAST_DAYS),
            starts_at__lte=now + timedelta(days=FUTURE_DAYS),
        )
        .select_related("unit")
        .order_by("starts_at", "pk")[:MOST]
    )


def calendar_events(*, user: Any) -> list[Event]:
    schema = connection.schema_name
    events = []
    for meeting in calendar_meetings(user=user):
        details = [meeting.agenda]
        if meeting.lecturer:
            details.insert(0, _("授课人：%(name)s") % {"name": meeting.lecturer})
        if meeting.online_url:
            details.append(_("线上会议：%(url)s") % {"url": meeting.online_url})
        events.append(
            Event(
                uid=f"meeting-{meeting.pk}.{schema}@partycloud",
                starts_at=meeting.starts_at,
                ends_at=meeting.ends_at,
                summary=f"【{meeting.get_kind_display()}】{meeting.topic}",
                stamp=meeting.updated_at,
                location=meeting.place or meeting.online_url,
                description="\n".join(part for part in details if part),
                url=meeting.online_url,
                cancelled=meeting.status == Meeting.Status.CANCELLED,
            )
        )
    return events
