"""Matrix rows (``matrix.py``) of 意见征集. The subject is an open anonymous survey of branch X (W
outside) asking its members: its audience (the member, the secretary, who is a member of X) and
its managers open it; its results and its builder are for its managers while it is open (the
audience reads the results once it is closed, tested in tests/surveys); the lists show the surveys
that ask me (the unit and institution administrators hold no member record: none) and the surveys
I manage."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import BRANCH_READ, IN_SCOPE, MANAGERS, SIGNED_IN, Row

ASKED = {"member": "in", "applicant": "", "secretary": "in", "unit_admin": "", "institution_admin": ""}

MATRIX: dict[tuple[str, str], Row] = {
    (TENANT, "surveys:list"): Row(SIGNED_IN, "survey", sees=ASKED),
    # An empty answer is refused on the page itself (200, the errors next to the questions).
    (TENANT, "surveys:answer"): Row(BRANCH_READ, "survey"),
    (TENANT, "surveys:results"): Row(IN_SCOPE, "survey"),
    (TENANT, "surveys:export"): Row(IN_SCOPE, "survey"),
    (TENANT, "surveys:manage"): Row(MANAGERS, "survey"),
    (TENANT, "surveys:create"): Row(MANAGERS),
    (TENANT, "surveys:edit"): Row(IN_SCOPE, "survey"),
    (TENANT, "surveys:section_add"): Row(IN_SCOPE, "survey"),
    (TENANT, "surveys:open"): Row(IN_SCOPE, "survey"),
    (TENANT, "surveys:close"): Row(IN_SCOPE, "survey", writes_allowed=False),
    # The survey of the matrix is open: publishing its results is refused (tested in tests/surveys).
    (TENANT, "surveys:publish"): Row(IN_SCOPE, "survey", writes_allowed=False),
    (TENANT, "surveys:delete"): Row(IN_SCOPE, "survey", writes_allowed=False),
    (TENANT, "surveys:question_add"): Row(IN_SCOPE, "survey_section"),
    (TENANT, "surveys:section_delete"): Row(IN_SCOPE, "survey_section"),
    (TENANT, "surveys:question_delete"): Row(IN_SCOPE, "survey_question"),
    (TENANT, "survey-list"): Row(SIGNED_IN, "survey", sees=ASKED),
    (TENANT, "survey-detail"): Row(BRANCH_READ, "survey"),
    (TENANT, "survey-answer"): Row(BRANCH_READ, "survey"),
    (TENANT, "survey-results"): Row(IN_SCOPE, "survey"),
}
