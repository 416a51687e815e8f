"""Isolation cases of the check-in, 民主评议 and 组织生活会 record APIs (organizational life, merged into
test_isolation's CASES): the same objects as the pages' cases."""

from __future__ import annotations

from tests.isolation.case import TENANT, Case
from tests.isolation.cases_orglife_b import _attendee, _meeting, _not_checked_in
from tests.isolation.cases_orglife_e import _appraisal, _life_meeting, _still_open

CASES: dict[tuple[str, str], Case] = {
    (TENANT, "orglife-checkin"): Case("object", factory=_meeting, methods=("post",)),
    (TENANT, "orglife-checkout"): Case("object", factory=_meeting, methods=("post",)),
    (TENANT, "orglife-checkin-state"): Case("object", factory=_meeting),
    (TENANT, "orglife-checkin-attendance"): Case("object", factory=_meeting),
    (TENANT, "orglife-attendance-mark"): Case("object", factory=_attendee, methods=("post",), exists=_not_checked_in),
    (TENANT, "orglife-attendance-unmark"): Case("object", factory=_attendee, methods=("post",)),
    (TENANT, "orglife-appraisal-list"): Case("collection", factory=_appraisal, methods=("get", "post")),
    (TENANT, "orglife-appraisal-detail"): Case("object", factory=_appraisal),
    (TENANT, "orglife-appraisal-self-assessment"): Case("object", factory=_appraisal, methods=("post",)),
    (TENANT, "orglife-appraisal-ratings"): Case("object", factory=_appraisal, methods=("post",)),
    (TENANT, "orglife-appraisal-conclude"): Case("object", factory=_appraisal, methods=("post",), exists=_still_open),
    (TENANT, "orglife-life-notes"): Case("object", factory=_life_meeting, methods=("get", "post")),
}
