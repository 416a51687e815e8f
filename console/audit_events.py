"""The audit events of the platform console: an institution's lifecycle and the retried
background tasks (services/kernel/audit_events.py). Written in the public schema."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

_STATUS = "before/after: the institution's status and reason"
INSTITUTION_CREATED = declare(
    "institution.created", label=_("开通学校"), detail="after: name, code and kind of the institution"
)
INSTITUTION_SUSPENDED = declare("institution.suspended", label=_("暂停学校"), detail=_STATUS)
INSTITUTION_RESUMED = declare("institution.resumed", label=_("恢复学校"), detail=_STATUS)
INSTITUTION_EXPORTED = declare("institution.exported", label=_("导出学校"), detail="archive: the archive's key")
INSTITUTION_ARCHIVED = declare("institution.archived", label=_("归档学校"), detail=f"{_STATUS}; archive or error")
INSTITUTION_RESTORED = declare("institution.restored", label=_("恢复归档学校"), detail="archive: the key restored from")
INSTITUTION_DELETED = declare("institution.deleted", label=_("删除学校"), detail="archive: the last export's key")
TASK_RETRIED = declare(
    "task.retried", label=_("重新执行后台任务"), detail="task: its name; institution: the schema it ran for"
)
