"""Matrix rows (``matrix.py``) of meeting check-in (organizational life).

The subjects: a meeting of branch X (IN) or W (OUT) whose check-in is open, its list the
branch's members (the member and the secretary of X are on the IN one), and one of its attendees.
"""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import BRANCH_MANAGE, RECORD_READ, SIGNED_IN, Row

# The member's own attendance: those on the meeting's list (the member and the secretary of X),
# nobody else, whatever their scope (404).
ON_THE_LIST = {"member_other": "ok", "unit_admin_in": "404", "institution_admin": "404"}

MATRIX: dict[tuple[str, str], Row] = {
    # The QR code's link: any signed-in person may open it (it checks them in); a wrong code shows
    # only the refusal (nothing of the meeting), and an anonymous visitor is sent to sign in.
    (TENANT, "orglife_checkin:scan"): Row(SIGNED_IN, "checkin_meeting"),
    (TENANT, "orglife_checkin:enter"): Row(SIGNED_IN),
    (TENANT, "orglife_checkin:done"): Row(RECORD_READ, "checkin_meeting", override=ON_THE_LIST),
    (TENANT, "orglife_checkin:checkout"): Row(RECORD_READ, "checkin_meeting", override=ON_THE_LIST),
    # The host's pages: the host and the unit's managers; those on the list are refused (403).
    (TENANT, "orglife_checkin:screen"): Row(BRANCH_MANAGE, "checkin_meeting"),
    (TENANT, "orglife_checkin:screen_state"): Row(BRANCH_MANAGE, "checkin_meeting"),
    (TENANT, "orglife_checkin:attendance"): Row(BRANCH_MANAGE, "checkin_meeting"),
    (TENANT, "orglife_checkin:mark"): Row(BRANCH_MANAGE, "checkin_attendee"),
    (TENANT, "orglife_checkin:unmark"): Row(BRANCH_MANAGE, "checkin_attendee"),
}
