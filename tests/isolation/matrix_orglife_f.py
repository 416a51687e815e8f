"""Matrix rows (``matrix.py``) of the check-in API, the same as the check-in pages'
(``matrix_orglife_b.py``): a meeting of branch X (IN) or W (OUT) whose check-in is open, its list
the branch's members, and one of its attendees."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import BRANCH_MANAGE, RECORD_READ, SIGNED_IN, Row
from tests.isolation.matrix_orglife_b import ON_THE_LIST

MATRIX: dict[tuple[str, str], Row] = {
    # Anyone signed in may try to check in (the code is the proof): an empty body is a 400.
    (TENANT, "orglife-checkin"): Row(SIGNED_IN, "checkin_meeting", body_first=True),
    # Check-out: the caller's own row; not on the list is a 404 whatever the scope.
    (TENANT, "orglife-checkout"): Row(RECORD_READ, "checkin_meeting", override=ON_THE_LIST),
    # The host's routes: the host and the unit's managers; those on the list are refused (403).
    (TENANT, "orglife-checkin-state"): Row(BRANCH_MANAGE, "checkin_meeting"),
    (TENANT, "orglife-checkin-attendance"): Row(BRANCH_MANAGE, "checkin_meeting"),
    (TENANT, "orglife-attendance-mark"): Row(BRANCH_MANAGE, "checkin_attendee"),
    (TENANT, "orglife-attendance-unmark"): Row(BRANCH_MANAGE, "checkin_attendee"),
}
