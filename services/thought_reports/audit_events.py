"""The audit events of ideological reports (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

EVENT_REPORT_SAVED = declare(
    "thought_reports.saved", label=_("保存思想汇报"), detail="after: title, status, attachments added/removed"
)
EVENT_REPORT_SUBMITTED = declare(
    "thought_reports.submitted", label=_("提交思想汇报"), detail="after: status, due_on, revision"
)
EVENT_REPORT_REVIEWED = declare(
    "thought_reports.reviewed",
    label=_("审阅思想汇报"),
    detail="before: status; after: status, decision (passed, accepted, returned), note",
)
EVENT_REPORT_ANNOTATED = declare("thought_reports.annotated", label=_("批注思想汇报"), detail="after: note id")
EVENT_ATTACHMENT_OPENED = declare(
    "thought_reports.attachment_opened", label=_("查看思想汇报附件"), detail="detail: report, filename"
)
