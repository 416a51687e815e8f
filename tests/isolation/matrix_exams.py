"""Matrix rows (``matrix.py``) of 考试: an exam's member pages are for its audience (the members of
its unit's subtree: the member and the secretary of X for X's exam); managers keep the banks and
exams of the units they manage, and mark their short answers."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import BRANCH_READ, MANAGERS, MANAGERS_IN_SCOPE, MINE, Row

# Taking an exam needs a member record in its audience: a unit admin or the institution admin
# without one reads the exam on its report page instead (exams:report), not here.
AUDIENCE = {"unit_admin_in": "404", "institution_admin": "404"}

MATRIX: dict[tuple[str, str], Row] = {
    (TENANT, "exams:home"): Row(MINE),
    (TENANT, "exams:exam"): Row(BRANCH_READ, "exam", override=AUDIENCE),
    (TENANT, "exams:start"): Row(BRANCH_READ, "exam", override=AUDIENCE),
    (TENANT, "exams:take"): Row(BRANCH_READ, "exam", override=AUDIENCE),
    (TENANT, "exams:answer"): Row(BRANCH_READ, "exam", override=AUDIENCE),
    (TENANT, "exams:submit"): Row(BRANCH_READ, "exam", override=AUDIENCE),
    (TENANT, "exams:result"): Row(BRANCH_READ, "exam", override=AUDIENCE),
    (TENANT, "exams:leaderboard"): Row(BRANCH_READ, "exam", override=AUDIENCE),
    (TENANT, "exams-mine"): Row(MINE),
    (TENANT, "exams-start"): Row(BRANCH_READ, "exam", override=AUDIENCE),
    (TENANT, "exams-answer"): Row(BRANCH_READ, "exam", override=AUDIENCE, body_first=True),
    (TENANT, "exams-submit"): Row(BRANCH_READ, "exam", override=AUDIENCE),
    (TENANT, "exams-result"): Row(BRANCH_READ, "exam", override=AUDIENCE),
    # Managers: their units' exams, banks and marking.
    (TENANT, "exams:manage"): Row(MANAGERS, "exam"),
    (TENANT, "exams:exam_new"): Row(MANAGERS),
    (TENANT, "exams:report"): Row(MANAGERS_IN_SCOPE, "exam"),
    (TENANT, "exams:exam_edit"): Row(MANAGERS_IN_SCOPE, "exam"),
    (TENANT, "exams:exam_publish"): Row(MANAGERS_IN_SCOPE, "exam"),
    (TENANT, "exams:marking"): Row(MANAGERS, "exam_answer"),
    (TENANT, "exams:mark"): Row(MANAGERS_IN_SCOPE, "exam_answer"),
    (TENANT, "exams:bank"): Row(MANAGERS, "exam_question"),
    (TENANT, "exams:question_new"): Row(MANAGERS),
    (TENANT, "exams:question_edit"): Row(MANAGERS_IN_SCOPE, "exam_question"),
    (TENANT, "exams:question_toggle"): Row(MANAGERS_IN_SCOPE, "exam_question"),
    (TENANT, "exams:import"): Row(MANAGERS),
    (TENANT, "exams:export"): Row(MANAGERS),
    (TENANT, "exams-questions"): Row(MANAGERS, "exam_question"),
    (TENANT, "exams-exams"): Row(MANAGERS, "exam"),
    (TENANT, "exams-publish"): Row(MANAGERS_IN_SCOPE, "exam"),
}
