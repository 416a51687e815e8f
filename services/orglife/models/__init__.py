"""The models of organizational life, by part: meetings, their lists, the branch's settings and
the calendar feed (``meetings``); minutes and what freezes with them (``minutes``); democratic
appraisal (``appraisal``)."""

from .appraisal import Appraisal, AppraisalSubject, PeerRating
from .meetings import Attendee, BranchLifeSettings, CalendarFeed, Meeting, new_checkin_secret
from .minutes import (
    LifeMeetingNote,
    LocalMeetingStep,
    Minutes,
    MinutesAddendum,
    MinutesAttachment,
    MinutesSection,
    MinutesStep,
)

__all__ = [
    "Appraisal",
    "AppraisalSubject",
    "Attendee",
    "BranchLifeSettings",
    "CalendarFeed",
    "LifeMeetingNote",
    "LocalMeetingStep",
    "Meeting",
    "Minutes",
    "MinutesAddendum",
    "MinutesAttachment",
    "MinutesSection",
    "MinutesStep",
    "PeerRating",
    "new_checkin_secret",
]
