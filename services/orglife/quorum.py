"""The quorum of a branch committee meeting (支委会): more than half of the committee present
(《中国共产党支部工作条例（试行）》第十二条), checked in exact fractions like the branch vote's
(services/votes/counting.py, which this capability sits below and so does not import).

The committee is the meeting's frozen should-attend list (attendance_lists.committee_members):
members on approved leave still count in it — leave excuses an absence, it does not shrink the
committee.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from .models import Attendee, Meeting

COMMITTEE_QUORUM = Fraction(1, 2)
COMMITTEE_QUORUM_CITATION = _("《中国共产党支部工作条例（试行）》第十二条：支委会会议须有半数以上委员到会方可召开。")


def more_than(count: int, whole: int, fraction: Fraction) -> bool:
    """``count > whole * fraction`` in exact arithmetic (no float rounding at the boundary)."""
    return count * fraction.denominator > whole * fraction.numerator


def minimum_more_than(whole: int, fraction: Fraction) -> int:
    """The smallest count that is more than ``whole * fraction``."""
    return (whole * fraction.numerator) // fraction.denominator + 1


@dataclass(frozen=True)
class Quorum:
    committee: int  # members of the committee on the meeting's list
    present: int  # of them, checked in
    needed: int  # the smallest number present that is more than half
    met: bool
    citation: str


def quorum_of(*, committee: int, present: int) -> Quorum:
    """More than half of ``committee`` present (an empty committee has no quorum)."""
    return Quorum(
        committee=committee,
        present=present,
        needed=minimum_more_than(committee, COMMITTEE_QUORUM),
        met=committee > 0 and more_than(present, committee, COMMITTEE_QUORUM),
        citation=str(COMMITTEE_QUORUM_CITATION),
    )


def committee_quorum(meeting: Meeting) -> Quorum | None:
    """The quorum of a committee meeting from its list and check-ins; None for any other kind.
    One query."""
    if meeting.kind != Meeting.Kind.COMMITTEE_MEETING:
        return None
    rows = list(
        Attendee.objects.filter(meeting=meeting, expected=True, role=Attendee.Role.MEMBER).values_list(
            "checked_in_at", flat=True
        )
    )
    return quorum_of(committee=len(rows), present=sum(1 for at in rows if at is not None))
