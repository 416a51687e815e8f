"""Matrix rows (``matrix.py``) of meeting minutes. A meeting's minutes are read by those whose
scope covers its unit and by its host, recorder and listed people (the matrix's meetings list
nobody, so a plain member of the branch gets a 404); they are written by the recorder or a
manager of the unit, and confirmed by the host and the recorder only (the services say why)."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import IN_SCOPE, Row

MATRIX: dict[tuple[str, str], Row] = {
    (TENANT, "orglife_minutes:detail"): Row(IN_SCOPE, "minutes_meeting"),
    (TENANT, "orglife_minutes:start"): Row(IN_SCOPE, "minutes_meeting"),
    (TENANT, "orglife_minutes:edit"): Row(IN_SCOPE, "minutes_meeting"),
    # An empty upload is refused with a message and a redirect to the editor.
    (TENANT, "orglife_minutes:attach"): Row(IN_SCOPE, "minutes_meeting"),
    # Managers who are neither host nor recorder see the page; their confirmation is refused
    # (a message: the meeting has no recorder), nothing changes.
    (TENANT, "orglife_minutes:finalize"): Row(IN_SCOPE, "minutes_meeting"),
    (TENANT, "orglife_minutes:addendum_add"): Row(IN_SCOPE, "minutes_meeting"),
    (TENANT, "orglife_minutes:pdf"): Row(IN_SCOPE, "minutes_meeting"),
    (TENANT, "orglife_minutes:attachment"): Row(IN_SCOPE, "minutes_attachment"),
    (TENANT, "orglife_minutes:attachment_delete"): Row(IN_SCOPE, "minutes_attachment"),
    # A branch's year: the branches the user's scope covers (a unit outside it is a 404).
    (TENANT, "orglife_minutes:year_pdf"): Row(IN_SCOPE, "org_unit"),
    (TENANT, "meeting-minutes-detail"): Row(IN_SCOPE, "minutes_meeting"),
    (TENANT, "meeting-minutes-finalize"): Row(IN_SCOPE, "minutes_meeting"),
    (TENANT, "meeting-minutes-addenda"): Row(IN_SCOPE, "minutes_meeting"),
}
