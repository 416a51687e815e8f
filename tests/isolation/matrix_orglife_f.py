"""Matrix rows (``matrix.py``) of the check-in, 民主评议 and 组织生活会 record APIs, the same as their pages'
(``matrix_orglife_b.py``, ``matrix_orglife_e.py``). Check-in: a meeting of branch X (IN) or W
(OUT) whose check-in is open, its list the branch's members, and one of its attendees; appraisal:
the branch's open appraisal, its list the branch's members; the record: a 组织生活会 of the branch."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import BRANCH_MANAGE, BRANCH_READ, MANAGERS, RECORD_READ, SEES_BRANCH, SIGNED_IN, Row
from tests.isolation.matrix_orglife_b import ON_THE_LIST
from tests.isolation.matrix_orglife_e import NOT_LISTED

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
    # Appraisals: listed for those appraised in them and those whose scope covers the branch;
    # opened by managers (a member is refused before the body is read).
    (TENANT, "orglife-appraisal-list"): Row(SIGNED_IN, "appraisal", sees=SEES_BRANCH, writes=MANAGERS),
    (TENANT, "orglife-appraisal-detail"): Row(BRANCH_READ, "appraisal"),
    # Those who see the appraisal but are not on its list neither assess themselves nor rate (403).
    (TENANT, "orglife-appraisal-self-assessment"): Row(BRANCH_READ, "appraisal", override=NOT_LISTED),
    (TENANT, "orglife-appraisal-ratings"): Row(BRANCH_READ, "appraisal", override=NOT_LISTED),
    # The conclusion is the branch committee's alone (the secretary of X).
    (TENANT, "orglife-appraisal-conclude"): Row(BRANCH_MANAGE, "appraisal", override=NOT_LISTED),
    # The organizational life meeting's per-person record: the recorder and the unit's managers.
    (TENANT, "orglife-life-notes"): Row(BRANCH_MANAGE, "life_meeting"),
}
