"""Matrix rows (``matrix.py``) of organizational life's meetings, leave and party groups."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import IN_SCOPE, MANAGERS, MINE, SCOPED_LIST, Row

# Leave is asked by a person on the meeting's list (every member of branch X is on the IN
# meeting's list, the secretary included); anyone else, whatever they see or manage, gets a 404.
ON_THE_LIST = {"member_self": "ok", "member_other": "ok", "unit_admin_in": "404", "institution_admin": "404"}

MATRIX: dict[tuple[str, str], Row] = {
    # Meetings are seen and managed through the scope of their unit; a plain member's way to their
    # own meetings is 我的会议 (the list sends them there).
    (TENANT, "orglife:meetings"): Row(SCOPED_LIST, "meeting"),
    (TENANT, "orglife:meeting_create"): Row(MANAGERS),
    (TENANT, "orglife:meeting_detail"): Row(IN_SCOPE, "meeting"),
    (TENANT, "orglife:meeting_edit"): Row(IN_SCOPE, "meeting"),
    (TENANT, "orglife:meeting_cancel"): Row(IN_SCOPE, "meeting"),
    (TENANT, "orglife:mine"): Row(MINE, sees={}),
    (TENANT, "orglife:leave_request"): Row(IN_SCOPE, "meeting", override=ON_THE_LIST),
    (TENANT, "orglife:leave_list"): Row(MANAGERS, "leave_attendee"),
    (TENANT, "orglife:leave_decide"): Row(IN_SCOPE, "leave_attendee"),
    (TENANT, "orglife:groups"): Row(IN_SCOPE, "org_unit"),
    (TENANT, "orglife-meeting-list"): Row(SCOPED_LIST, "meeting", writes=MANAGERS, body_first=True),
    (TENANT, "orglife-meeting-detail"): Row(IN_SCOPE, "meeting"),
    (TENANT, "orglife-meeting-cancel"): Row(IN_SCOPE, "meeting"),
    (TENANT, "orglife-meeting-leave"): Row(IN_SCOPE, "meeting", override=ON_THE_LIST),
    (TENANT, "orglife-leave-decide"): Row(IN_SCOPE, "leave_attendee"),
    (TENANT, "orglife-mine"): Row(MINE, sees={}),
}
