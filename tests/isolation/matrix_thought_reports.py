"""Matrix rows (``matrix.py``) of 思想汇报. A report is seen by its author, its contact person in
charge (the member's "self" report is one they are the contact person of) and those who manage
its branch; everyone else gets a 404. Only the author writes it (pages: 404 to others; the API:
403 to reviewers, who see it). Review and annotation forms answer a refusal on the report's page
(a redirect), like the other review pages."""

from __future__ import annotations

from tests.isolation.case import TENANT
from tests.isolation.matrix import MINE, SCOPED_LIST, SIGNED_IN, Row, _tenant

# fmt: off
# The columns: anonymous, member on self / on another, applicant, secretary of X in / out,
# unit admin of Y in / out, institution admin.
REPORT_READ =   _tenant("REPORT_READ",   "login ok  404 ok  ok  404 ok  404 ok")
# The writer's own pages (writing, revising): only the author; a non-writer finds nothing.
REPORT_AUTHOR = _tenant("REPORT_AUTHOR", "login 404 404 ok  404 404 404 404 404")
# The API's writes on a report one sees: its reviewers are refused (403), outsiders find nothing.
REPORT_WRITE =  _tenant("REPORT_WRITE",  "login 403 404 ok  403 404 403 404 403")
# fmt: on
NOBODY_SEES = dict.fromkeys(("member", "applicant", "secretary", "unit_admin", "institution_admin"), "")

MATRIX: dict[tuple[str, str], Row] = {
    # The writer's page lists their own reports only: nobody's list shows IN's or OUT's report.
    (TENANT, "thought_reports:mine"): Row(SIGNED_IN, "thought_report", sees=NOBODY_SEES),
    (TENANT, "thought_reports:queue"): Row(SCOPED_LIST, "thought_report"),
    (TENANT, "thought_reports:new"): Row(REPORT_AUTHOR),
    (TENANT, "thought_reports:detail"): Row(REPORT_READ, "thought_report"),
    (TENANT, "thought_reports:edit"): Row(REPORT_AUTHOR, "thought_report"),
    (TENANT, "thought_reports:submit"): Row(REPORT_READ, "thought_report"),
    (TENANT, "thought_reports:review"): Row(REPORT_READ, "thought_report"),
    (TENANT, "thought_reports:annotate"): Row(REPORT_READ, "thought_report"),
    # The member's and the applicant's "self" attachment is IN's: neither reviews nor wrote it.
    (TENANT, "thought_reports:attachment"): Row(
        REPORT_READ, "thought_report_attachment", override={"member_self": "404", "applicant": "404"}
    ),
    (TENANT, "thought-report-list"): Row(SCOPED_LIST, "thought_report", writes=SIGNED_IN),
    (TENANT, "thought-report-detail"): Row(REPORT_READ, "thought_report", writes=REPORT_WRITE),
    (TENANT, "thought-report-submit"): Row(REPORT_READ, "thought_report", writes=REPORT_WRITE),
    (TENANT, "thought-report-review"): Row(REPORT_READ, "thought_report"),
    (TENANT, "thought-report-annotate"): Row(REPORT_READ, "thought_report"),
    (TENANT, "thought-report-queue"): Row(SCOPED_LIST, "thought_report"),
    (TENANT, "thought-report-due-dates"): Row(MINE),
}
