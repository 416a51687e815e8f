"""A meeting summary on the 党务公开 board (公开会议概要): the managers of the meeting's unit publish
the topics and the resolutions of finalized minutes to the unit's members. What was said by whom
(the discussion) and who attended stay in the minutes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from services.openness.models import BoardItem
from services.openness.selectors import item_for_source
from services.openness.services import publish_item

from .models import Minutes

SUMMARY_SECTIONS = ("topics", "resolutions")


def summary_source_key(minutes: Minutes) -> str:
    return f"orglife:minutes:{minutes.meeting_id}"


def summary_item(minutes: Minutes) -> BoardItem | None:
    """The summary published for these minutes (not withdrawn), if any."""
    return item_for_source(kind=BoardItem.Kind.MEETING_SUMMARY, source_key=summary_source_key(minutes))


def minutes_summary_publish(*, acting_user: Any, minutes: Minutes) -> BoardItem:
    """Publish (or publish again) the summary of finalized minutes: the meeting's unit, kind, date
    and topic, then the text of the topics and resolutions sections."""
    if not minutes.finalized:
        raise ValidationError(_("会议纪要定稿后才能公开会议概要。"))
    meeting = minutes.meeting
    sections = minutes.sections.filter(code__in=SUMMARY_SECTIONS).exclude(text="").order_by("number")
    body = "\n\n".join(f"{section.title}\n{section.text.strip()}" for section in sections)
    held_on = timezone.localtime(meeting.starts_at).date()
    return publish_item(
        acting_user=acting_user,
        kind=BoardItem.Kind.MEETING_SUMMARY,
        unit=meeting.unit,
        title=_("%(kind)s会议概要：%(topic)s") % {"kind": meeting.get_kind_display(), "topic": meeting.topic},
        body=_("%(unit)s于 %(day)s 召开%(kind)s。")
        % {"unit": meeting.unit.name, "day": held_on.isoformat(), "kind": meeting.get_kind_display()}
        + ("\n\n" + body if body else ""),
        source_key=summary_source_key(minutes),
    )
