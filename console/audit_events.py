"""The audit events of the platform console: an institution's lifecycle, the retried background
tasks and the console's own accounts (services/kernel/audit_events.py). Written in the public schema."""

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

# Console accounts (console/platform_users.py): the platform's operators and the committee's users.
PLATFORM_USER_CREATED = declare(
    "platform_user.created",
    label=_("创建平台账号"),
    detail="after: username, role, display name; how: link (a set-password link) or password (the command)",
)
PLATFORM_USER_DISABLED = declare(
    "platform_user.disabled", label=_("停用平台账号"), detail="sessions and tokens: how many were ended"
)
PLATFORM_USER_ENABLED = declare("platform_user.enabled", label=_("启用平台账号"), detail="nothing")
PLATFORM_USER_DELETED = declare(
    "platform_user.deleted",
    label=_("删除平台账号"),
    detail="before: username, role, display name; sessions and tokens ended",
)
PLATFORM_USER_LINK_ISSUED = declare(
    "platform_user.link_issued",
    label=_("重置平台账号密码"),
    detail="the old password no longer works; sessions and tokens ended; a new set-password link was shown",
)
PLATFORM_USER_PASSWORD_SET = declare(
    "platform_user.password_set", label=_("通过链接设置密码"), detail="nothing; the target set their own password"
)

# The committee's dashboard (console/dashboard.py).
DASHBOARD_RANKINGS_SET = declare(
    "dashboard.rankings_set", label=_("设置看板排名"), detail="before/after: whether rankings are shown"
)

# Moving an institution to another database node (Citus; console/moves.py).
INSTITUTION_MOVED = declare(
    "institution.moved",
    label=_("迁移学校数据库节点"),
    detail="phase (started, done or failed); source and target worker (host:port); error or seconds",
)
