"""Off the roll is one definition: the terminal statuses of the member state machine."""

from __future__ import annotations

from services.members.models import Member
from services.members.services import TRANSITIONS
from services.members.status import OFF_ROLL_STATUSES, is_off_roll
from services.votes.common import LEFT_OFF_THE_ELECTORATE


def test_off_the_roll_are_exactly_the_statuses_a_member_never_leaves() -> None:
    terminal = {status for status, targets in TRANSITIONS.items() if not targets}
    assert set(OFF_ROLL_STATUSES) == terminal
    assert all(is_off_roll(status) for status in terminal)
    assert not any(is_off_roll(status) for status in set(Member.Status) - terminal)


def test_the_electorate_lists_stopped_members_whom_the_roll_leaves_out() -> None:
    assert LEFT_OFF_THE_ELECTORATE == OFF_ROLL_STATUSES - {Member.Status.STOPPED}
