"""What a member's status means beyond the state machine (services.py ``TRANSITIONS``).

Off the roll (不在册): a member who has been transferred out, whose membership was stopped or who
has died. The record stays, with its last branch, for history; it no longer counts as the branch's
member, holds no position, is reminded of nothing and is not counted in the committee's figures.
These are exactly the terminal statuses of the state machine. A set that deliberately differs
has its own name where it is used (the electorate of a vote: services/votes/common.py).
"""

from __future__ import annotations

from .models import Member

OFF_ROLL_STATUSES: frozenset[str] = frozenset(
    {Member.Status.TRANSFERRED_OUT, Member.Status.STOPPED, Member.Status.DECEASED}
)


def is_off_roll(status: str) -> bool:
    """Whether a member with ``status`` is off the roll."""
    return status in OFF_ROLL_STATUSES
