"""The audit events of documents (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare


class DocumentEvent:
    """Audit events of this capability (values of AuditEvent.event)."""

    CREATED = declare("document.created", label=_("发布文件"), detail="after: title, kind, scope, file, sha256")
    VERSION_ADDED = declare("document.version_added", label=_("上传新版本"), detail="after: version, file, sha256")
    VERSION_RESTORED = declare(
        "document.version_restored", label=_("恢复旧版本"), detail="after: the new version and the one restored"
    )
    UPDATED = declare("document.updated", label=_("修改文件"), detail="before/after: the changed fields")
    DELETED = declare("document.deleted", label=_("删除文件"), detail="before: title, kind, number of versions")
    SIGNED = declare(
        "document.signed",
        label=_("签收通知"),
        detail="after: the member who signed; for a committee notice, public_document and title",
    )
