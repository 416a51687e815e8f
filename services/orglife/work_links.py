"""The work of one meeting, as links on its page (which its unit's people in scope see; the members
on its list find it in 我的会议, with the code entry): for those who run it, the check-in screen
and the attendance, the minutes, and the records its kind needs (the life meeting's per-person
record, the appraisal). Each page checks again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from .checkin import can_run_checkin
from .life_notes import can_write_life_notes
from .minutes_selectors import can_draft
from .models import Meeting


@dataclass(frozen=True)
class WorkLink:
    label: str
    url: str
    primary: bool = False


def meeting_work_links(*, acting_user: Any, meeting: Meeting) -> list[WorkLink]:
    if meeting.status == Meeting.Status.CANCELLED:
        return []
    links: list[WorkLink] = []
    pk = meeting.pk
    if can_run_checkin(acting_user=acting_user, meeting=meeting):
        links.append(WorkLink(_("签到大屏"), reverse("orglife_checkin:screen", args=[pk]), primary=True))
        links.append(WorkLink(_("签到情况"), reverse("orglife_checkin:attendance", args=[pk])))
    if can_draft(acting_user=acting_user, meeting=meeting):
        links.append(WorkLink(_("会议纪要"), reverse("orglife_minutes:detail", args=[pk])))
    if meeting.kind == Meeting.Kind.LIFE_MEETING and can_write_life_notes(acting_user=acting_user, meeting=meeting):
        links.append(WorkLink(_("批评与自我批评记录"), reverse("orglife_life:notes", args=[pk])))
    if meeting.kind == Meeting.Kind.APPRAISAL:
        links.append(WorkLink(_("民主评议"), reverse("orglife_appraisal:list")))
    return links
