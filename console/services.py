"""Every write to the institution registry: provisioning and the lifecycle (LIFECYCLE: active <->
suspended; active or suspended -> archiving -> archived (exported) -> deleted). Each is one audited
transaction in the public schema, checked under a lock on the institution's row; the routing
cache of this process is dropped on commit (other processes follow within
TENANT_ROUTE_CACHE_SECONDS)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import schema_context, schema_exists

from console import audit_events
from services.accounts import audit_events as account_events
from services.accounts.models import User
from services.audit.services import audit_record
from services.kernel.actions import for_another_institution
from services.kernel.text import single_line
from tenants import provisioning
from tenants.models import RESERVED_CODES, Domain, Institution, institution_domain
from tenants.queueing import publish_after_commit
from tenants.routing import forget_institution

from . import archive


def _snapshot(institution: Institution) -> dict[str, Any]:
    return {"status": institution.status, "status_reason": institution.status_reason}


def institution_create(
    *,
    name: str,
    code: str,
    kind: str = Institution.Kind.UNIVERSITY,
    region: str = "",
    admin_username: str = "admin",
    admin_password: str | None = None,
    admin_display_name: str = "",
    acting_user: Any = None,
) -> tuple[Institution, str]:
    """Register an institution, clone its schema and create its first administrator.

    Returns the institution and the administrator's password (generated when not given; it is
    shown once and never stored in clear). All or nothing: a failure leaves no row, no schema.
    """
    code = code.strip().lower()
    if code in RESERVED_CODES:
        raise ValidationError({"code": _("“%(code)s”是保留字，不能用作学校代码。") % {"code": code}})
    institution = Institution(
        name=name.strip(), code=code, kind=kind, region=region.strip(), schema_name=Institution.schema_for_code(code)
    )
    institution.full_clean(exclude=["schema_name"])
    if schema_exists(institution.schema_name):
        raise ValidationError({"code": _("学校代码“%(code)s”已被使用。") % {"code": code}})
    password = admin_password or _generate_password()
    validate_password(password)

    with schema_context("public"), transaction.atomic():
        institution.save()
        Domain.objects.create(domain=institution_domain(code), tenant=institution, is_primary=True)
        provisioning.schema_create_by_clone(institution.schema_name)
        with schema_context(institution.schema_name), for_another_institution():
            admin = User(
                username=admin_username,
                display_name=admin_display_name or _("学校管理员"),
                is_staff=True,
                is_superuser=True,
            )
            admin.set_password(password)
            admin.save()
            audit_record(
                event=account_events.USER_CREATED,
                actor=acting_user,
                target=admin,
                actor_username=getattr(acting_user, "username", "platform"),
            )
        audit_record(
            event=audit_events.INSTITUTION_CREATED,
            actor=acting_user,
            target=institution,
            after={"name": institution.name, "code": code, "kind": kind},
        )
    return institution, password


def _generate_password() -> str:
    return secrets.token_urlsafe(12)


# --- lifecycle ----------------------------------------------------------------------------------
#
# Every status change is an action of this table, checked in one place (_transition) under a lock
# on the institution's row: two requests racing for the same institution are taken one after the
# other, and the second sees what the first did. "archiving" is the transient state of an archive
# whose export is running: it is entered once, so the export runs once.
S = Institution.Status
DELETED = "deleted"  # the row and the schema are gone
REASON_MAX_LENGTH = Institution._meta.get_field("status_reason").max_length or 200
LIFECYCLE: dict[str, dict[str, str]] = {
    "suspend": {S.ACTIVE: S.SUSPENDED},
    "resume": {S.SUSPENDED: S.ACTIVE},
    "archive": {S.ACTIVE: S.ARCHIVING, S.SUSPENDED: S.ARCHIVING},
    "archive_done": {S.ARCHIVING: S.ARCHIVED},
    "archive_failed": {S.ARCHIVING: S.SUSPENDED},  # its users were already stopped; the operator decides
    "delete": {S.ARCHIVED: DELETED},
    # From an archive, only under a code no institution holds: an archive never overwrites one.
    "restore": {DELETED: S.ACTIVE},
}
_ACTION_LABELS = {
    "suspend": gettext_lazy("暂停使用"),
    "resume": gettext_lazy("恢复正常"),
    "archive": gettext_lazy("导出并归档"),
    "archive_done": gettext_lazy("完成归档"),
    "archive_failed": gettext_lazy("结束归档"),
    "delete": gettext_lazy("永久删除"),
    "restore": gettext_lazy("从归档恢复"),
}


class LifecycleRefused(ValidationError):
    """The action is not allowed from the institution's status (LIFECYCLE)."""


@contextmanager
def _transition(*, institution: Institution, action: str) -> Iterator[tuple[Institution, str]]:
    """Lock the institution's row, check that ``action`` is allowed from its status now, and
    yield the locked row and the status it goes to, inside one transaction."""
    with schema_context("public"), transaction.atomic():
        locked = Institution.objects.select_for_update().filter(pk=institution.pk).first()
        if locked is None:
            raise LifecycleRefused(_("该学校已不存在。"))
        target = LIFECYCLE[action].get(locked.status)
        if target is None:
            raise LifecycleRefused(
                _("学校当前为“%(status)s”状态，不能%(action)s。")
                % {"status": locked.get_status_display(), "action": _ACTION_LABELS[action]}
            )
        yield locked, target


def _set_status(
    locked: Institution, *, status: str, reason: str, event: str, acting_user: Any, **detail: Any
) -> Institution:
    before = _snapshot(locked)
    locked.status = status
    locked.status_reason = reason[:REASON_MAX_LENGTH]  # a long export failure is cut; an operator's is refused
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit_record(
        event=event,
        actor=acting_user,
        target=locked,
        before=before,
        after=_snapshot(locked),
        detail=detail or None,
    )
    transaction.on_commit(lambda: forget_institution(locked))
    return locked


def _check_confirmation(institution: Institution, confirmation: str, refusal: str) -> None:
    """Destructive actions need the institution's code typed again (the page, the API, the command)."""
    if confirmation.strip().lower() != institution.code:
        raise ValidationError({"confirmation": [refusal]})


def institution_suspend(*, institution: Institution, reason: str, acting_user: Any = None) -> Institution:
    """Stop an institution's users and API clients; their pages say why."""
    if not reason.strip():
        raise ValidationError({"reason": _("请填写暂停原因，学校用户将看到这段说明。")})
    _check_reason(reason.strip())
    with _transition(institution=institution, action="suspend") as (locked, target):
        return _set_status(
            locked,
            status=target,
            reason=reason.strip(),
            event=audit_events.INSTITUTION_SUSPENDED,
            acting_user=acting_user,
        )


def _check_reason(reason: str) -> None:
    """The page and the API alike: one line of at most the column's length (a NUL was a 500)."""
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": _("暂停原因不能超过 %(max)s 个字。") % {"max": REASON_MAX_LENGTH}})
    try:
        single_line(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from None


def institution_resume(*, institution: Institution, acting_user: Any = None) -> Institution:
    """A suspended institution back in use (an archived one never: it is restored from its archive)."""
    with _transition(institution=institution, action="resume") as (locked, target):
        return _set_status(
            locked, status=target, reason="", event=audit_events.INSTITUTION_RESUMED, acting_user=acting_user
        )


def institution_export(*, institution: Institution, acting_user: Any = None) -> str:
    """Write the institution's schema and files as one archive into storage; return its key."""
    key = archive.export_institution(institution)
    with schema_context("public"), transaction.atomic():
        Institution.objects.filter(pk=institution.pk).update(last_export_key=key, last_export_at=timezone.now())
        audit_record(
            event=audit_events.INSTITUTION_EXPORTED,
            actor=acting_user,
            target=institution,
            detail={"archive": key},
        )
    institution.refresh_from_db()
    return key


def institution_archive_start(
    *, institution: Institution, confirmation: str, acting_user: Any = None, queue: bool = True
) -> Institution:
    """Close the institution to its users and mark it as being archived ("archiving"), with its
    code typed again; the export runs on the worker (tasks.archive_institution, queued after
    commit) unless ``queue`` is False. A second request finds it archiving and is refused."""
    _check_confirmation(institution, confirmation, _("确认内容与学校代码不一致，未归档。"))
    with _transition(institution=institution, action="archive") as (locked, target):
        _set_status(
            locked,
            status=target,
            reason=_("正在导出并归档"),
            event=audit_events.INSTITUTION_ARCHIVED,
            acting_user=acting_user,
            phase="started",
        )
        if queue:
            from . import tasks  # tasks import this module

            # Durable: recorded in this transaction, so the relay publishes it again if the broker drops it.
            publish_after_commit(tasks.archive_institution, locked.pk, getattr(acting_user, "pk", None), durable=True)
    return locked


def institution_archive_finish(*, institution: Institution, acting_user: Any = None) -> Institution:
    """Export an archiving institution and mark it archived. The row stays locked while the export
    runs, so a duplicate delivery of the task waits and then finds it archived: the export runs
    once. A failed export leaves it suspended, with the failure as the reason."""
    try:
        with _transition(institution=institution, action="archive_done") as (locked, target):
            institution_export(institution=locked, acting_user=acting_user)
            return _set_status(
                locked,
                status=target,
                reason=_("已归档"),
                event=audit_events.INSTITUTION_ARCHIVED,
                acting_user=acting_user,
                phase="done",
                archive=locked.last_export_key,
            )
    except LifecycleRefused:
        raise
    except Exception as exc:
        with _transition(institution=institution, action="archive_failed") as (locked, target):
            _set_status(
                locked,
                status=target,
                reason=_("归档失败，已暂停使用：%(error)s") % {"error": str(exc) or type(exc).__name__},
                event=audit_events.INSTITUTION_ARCHIVED,
                acting_user=acting_user,
                phase="failed",
            )
        raise


def institution_archive(*, institution: Institution, confirmation: str, acting_user: Any = None) -> Institution:
    """Archive in this process (the command): start, then finish. An institution already
    archiving (its task lost or its worker gone) is finished."""
    if institution.status != S.ARCHIVING:
        institution = institution_archive_start(
            institution=institution, confirmation=confirmation, acting_user=acting_user, queue=False
        )
    else:
        _check_confirmation(institution, confirmation, _("确认内容与学校代码不一致，未归档。"))
    return institution_archive_finish(institution=institution, acting_user=acting_user)


def institution_delete(*, institution: Institution, confirmation: str, acting_user: Any = None) -> None:
    """Drop an archived institution's schema, files and registry row.

    Refused unless an export exists and ``confirmation`` repeats the institution's code.
    """
    _check_confirmation(institution, confirmation, _("确认内容与学校代码不一致，未删除。"))
    from services.storage.backends import get_storage

    with _transition(institution=institution, action="delete") as (locked, _target):
        if not locked.last_export_at:
            raise ValidationError(_("只能删除已归档（已导出）的学校。"))
        forget_institution(locked)
        audit_record(
            event=audit_events.INSTITUTION_DELETED,
            actor=acting_user,
            target=locked,
            before={"name": locked.name, "code": locked.code},
            detail={"archive": locked.last_export_key},
        )
        schema = locked.schema_name
        locked.delete()
        provisioning.schema_drop(schema)
        transaction.on_commit(lambda: get_storage().delete_prefix(f"{schema}/"))


def institution_restore(*, archive_file: BinaryIO, acting_user: Any = None) -> Institution:
    """Recreate an institution from an export archive (into this or a fresh deployment)."""
    institution = archive.restore_institution(archive_file)
    with schema_context("public"), transaction.atomic():
        audit_record(event=audit_events.INSTITUTION_RESTORED, actor=acting_user, target=institution)
    return institution


def institution_restore_archive(*, archive_key: str, confirmation: str, acting_user: Any = None) -> Institution:
    """Recreate an institution from an archive kept in storage (the console page, the API), with
    its code typed again, which must be the archive's own. Allowed only while no institution
    holds that code (LIFECYCLE "restore": deleted -> active; archive and delete one first to
    roll it back). The archive's code is checked before anything is restored."""
    code = confirmation.strip().lower()
    if not code:
        raise ValidationError({"confirmation": [_("确认内容与学校代码不一致，未恢复。")]})
    _check_restorable(code)
    from services.storage.backends import get_storage

    storage = get_storage()
    try:
        found = archive_key.startswith(archive.ARCHIVES) and storage.exists(archive_key)
    except (ValueError, OSError):  # not a storage key at all
        found = False
    if not found:
        raise ValidationError({"archive": [_("没有找到该归档文件。")]})
    with storage.open(archive_key) as handle:
        institution = archive.restore_institution(handle, expected_code=code)
    with schema_context("public"), transaction.atomic():
        audit_record(
            event=audit_events.INSTITUTION_RESTORED,
            actor=acting_user,
            target=institution,
            detail={"archive": archive_key},
        )
    return institution


def _check_restorable(code: str) -> None:
    """LIFECYCLE "restore" for the institution that holds ``code`` (none: it was deleted)."""
    with schema_context("public"):
        existing = Institution.objects.filter(code=code).first()
    if existing is not None and existing.status not in LIFECYCLE["restore"]:
        raise LifecycleRefused(
            _("学校当前为“%(status)s”状态，不能%(action)s。")
            % {"status": existing.get_status_display(), "action": _ACTION_LABELS["restore"]}
        )
