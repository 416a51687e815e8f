"""The audit events of branch votes (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

EVENT_CREATED = declare("vote.created", label=_("新建表决"), detail="after: branch, kind, meeting_on, dossiers")
EVENT_ELECTOR_EXCLUDED = declare(
    "vote.elector_excluded",
    label=_("批准不计入应到会人数"),
    detail="after: member, reason, approved_by, approved_on",
)
EVENT_ELECTOR_INCLUDED = declare(
    "vote.elector_included", label=_("恢复计入应到会人数"), detail="before: the exclusion; after: member"
)
EVENT_RECORDED = declare(
    "vote.recorded", label=_("记录表决结果"), detail="after: outcome, entitled, present, written, candidates"
)
EVENT_DELETED = declare("vote.deleted", label=_("删除表决"), detail="before: branch, kind, meeting_on")
