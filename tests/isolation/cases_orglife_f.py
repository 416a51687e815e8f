"""Isolation cases of the check-in API (organizational life, merged into test_isolation's CASES):
the same meetings and attendees as the check-in pages' cases."""

from __future__ import annotations

from tests.isolation.case import TENANT, Case
from tests.isolation.cases_orglife_b import _attendee, _meeting, _not_checked_in

CASES: dict[tuple[str, str], Case] = {
    (TENANT, "orglife-checkin"): Case("object", factory=_meeting, methods=("post",)),
    (TENANT, "orglife-checkout"): Case("object", factory=_meeting, methods=("post",)),
    (TENANT, "orglife-checkin-state"): Case("object", factory=_meeting),
    (TENANT, "orglife-checkin-attendance"): Case("object", factory=_meeting),
    (TENANT, "orglife-attendance-mark"): Case("object", factory=_attendee, methods=("post",), exists=_not_checked_in),
    (TENANT, "orglife-attendance-unmark"): Case("object", factory=_attendee, methods=("post",)),
}
