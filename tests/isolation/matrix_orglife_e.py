"""Matrix rows (``matrix.py``) of the meeting calendar and of democratic appraisal."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import (
    BRANCH_MANAGE,
    BRANCH_READ,
    MANAGERS,
    PUBLIC,
    SEES_BRANCH,
    SIGNED_IN,
    Row,
    everyone,
)

# Those who see branch X's appraisal but are not on its list (the unit admin of Y, the institution
# admin) neither assess themselves nor rate: 403.
NOT_LISTED = {"post unit_admin_in": "403", "post institution_admin": "403"}

MATRIX: dict[tuple[str, str], Row] = {
    # Everyone signed in manages their own calendar address; nobody reaches another's.
    (TENANT, "orglife_calendar:page"): Row(SIGNED_IN),
    # The feed is opened by its token, not by a session: an unknown token is 404 to every cell
    # (the feed itself is tested in tests/orglife/test_e_calendar.py).
    (TENANT, "orglife_calendar:feed"): Row(PUBLIC, kwargs={"token": "x" * 32}, override=everyone("404")),
    # Appraisals: the list shows those the user is appraised in (branch X's people) and those of
    # the branches in scope; an appraisal is read by its branch's people and those whose scope covers it.
    (TENANT, "orglife_appraisal:list"): Row(SIGNED_IN, "appraisal", sees=SEES_BRANCH),
    (TENANT, "orglife_appraisal:open"): Row(MANAGERS),
    (TENANT, "orglife_appraisal:detail"): Row(BRANCH_READ, "appraisal"),
    (TENANT, "orglife_appraisal:self"): Row(BRANCH_READ, "appraisal", override=NOT_LISTED),
    (TENANT, "orglife_appraisal:rate"): Row(BRANCH_READ, "appraisal", override=NOT_LISTED),
    # The conclusion is the branch committee's alone (the secretary of X): not the members, and not
    # the admins above the branch, who manage it but sit on no committee of it.
    (TENANT, "orglife_appraisal:conclude"): Row(BRANCH_MANAGE, "appraisal", override=NOT_LISTED),
    # The organizational life meeting's per-person record: the recorder and the unit's managers.
    (TENANT, "orglife_life:notes"): Row(BRANCH_MANAGE, "life_meeting"),
}
