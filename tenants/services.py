"""Every write to the institution registry: provisioning and the lifecycle
active -> suspended -> archived (exported) -> deleted. Each is one audited transaction in the
public schema; the routing cache of this process is dropped on commit (other processes follow
within TENANT_ROUTE_CACHE_SECONDS)."""

from __future__ import annotations

import secrets
from typing import Any, BinaryIO

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists

from services.accounts.models import User
from services.audit.models import Event
from services.audit.services import audit_record
from services.kernel.text import single_line

from . import archive, provisioning
from .models import RESERVED_CODES, Domain, Institution, institution_domain
from .routing import forget_institution


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
    request: Any = None,
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
        with schema_context(institution.schema_name):
            admin = User(
                username=admin_username,
                display_name=admin_display_name or _("学校管理员"),
                is_staff=True,
                is_superuser=True,
            )
            admin.set_password(password)
            admin.save()
            audit_record(
                event=Event.USER_CREATED,
                actor=acting_user,
                target=admin,
                actor_username=getattr(acting_user, "username", "platform"),
            )
        audit_record(
            event=Event.INSTITUTION_CREATED,
            actor=acting_user,
            request=request,
            target=institution,
            after={"name": institution.name, "code": code, "kind": kind},
        )
    return institution, password


def _generate_password() -> str:
    return secrets.token_urlsafe(12)


def _change_status(
    *, institution: Institution, status: str, reason: str, event: Event, acting_user: Any, request: Any
) -> Institution:
    with schema_context("public"), transaction.atomic():
        locked = Institution.objects.select_for_update().get(pk=institution.pk)
        before = _snapshot(locked)
        locked.status = status
        locked.status_reason = reason
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "status_changed_at"])
        audit_record(
            event=event, actor=acting_user, request=request, target=locked, before=before, after=_snapshot(locked)
        )
        transaction.on_commit(lambda: forget_institution(locked))
    return locked


def institution_suspend(
    *, institution: Institution, reason: str, acting_user: Any = None, request: Any = None
) -> Institution:
    """Stop an institution's users and API clients; their pages say why."""
    if institution.status != Institution.Status.ACTIVE:
        raise ValidationError(_("只有正常状态的学校可以暂停。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写暂停原因，学校用户将看到这段说明。")})
    _check_reason(reason.strip())
    return _change_status(
        institution=institution,
        status=Institution.Status.SUSPENDED,
        reason=reason.strip(),
        event=Event.INSTITUTION_SUSPENDED,
        acting_user=acting_user,
        request=request,
    )


def _check_reason(reason: str) -> None:
    """The page and the API alike: one line of at most the column's length (a NUL was a 500)."""
    limit = Institution._meta.get_field("status_reason").max_length or 200
    if len(reason) > limit:
        raise ValidationError({"reason": _("原因不能超过 %(max)s 个字符。") % {"max": limit}})
    try:
        single_line(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from None


def institution_resume(*, institution: Institution, acting_user: Any = None, request: Any = None) -> Institution:
    if institution.status == Institution.Status.ACTIVE:
        raise ValidationError(_("该学校已处于正常状态。"))
    return _change_status(
        institution=institution,
        status=Institution.Status.ACTIVE,
        reason="",
        event=Event.INSTITUTION_RESUMED,
        acting_user=acting_user,
        request=request,
    )


def institution_export(*, institution: Institution, acting_user: Any = None, request: Any = None) -> str:
    """Write the institution's schema and files as one archive into storage; return its key."""
    key = archive.export_institution(institution)
    with schema_context("public"), transaction.atomic():
        Institution.objects.filter(pk=institution.pk).update(last_export_key=key, last_export_at=timezone.now())
        audit_record(
            event=Event.INSTITUTION_EXPORTED,
            actor=acting_user,
            request=request,
            target=institution,
            detail={"archive": key},
        )
    institution.refresh_from_db()
    return key


def institution_archive(*, institution: Institution, acting_user: Any = None, request: Any = None) -> Institution:
    """Export, then close the institution to its users (archived). Its data stays until deletion."""
    if institution.status == Institution.Status.ARCHIVED:
        raise ValidationError(_("该学校已归档。"))
    institution_export(institution=institution, acting_user=acting_user, request=request)
    return _change_status(
        institution=institution,
        status=Institution.Status.ARCHIVED,
        reason=_("已归档"),
        event=Event.INSTITUTION_ARCHIVED,
        acting_user=acting_user,
        request=request,
    )


def institution_delete(
    *, institution: Institution, confirmation: str, acting_user: Any = None, request: Any = None
) -> None:
    """Drop an archived institution's schema, files and registry row.

    Refused unless an export exists and ``confirmation`` repeats the institution's code.
    """
    if institution.status != Institution.Status.ARCHIVED or not institution.last_export_at:
        raise ValidationError(_("只能删除已归档（已导出）的学校。"))
    if confirmation.strip().lower() != institution.code:
        raise ValidationError({"confirmation": _("确认内容与学校代码不一致，未删除。")})
    from services.storage.backends import get_storage

    with schema_context("public"), transaction.atomic():
        forget_institution(institution)
        audit_record(
            event=Event.INSTITUTION_DELETED,
            actor=acting_user,
            request=request,
            target=institution,
            before={"name": institution.name, "code": institution.code},
            detail={"archive": institution.last_export_key},
        )
        schema = institution.schema_name
        institution.delete()
        provisioning.schema_drop(schema)
        transaction.on_commit(lambda: get_storage().delete_prefix(f"{schema}/"))


def institution_restore(*, archive_file: BinaryIO, acting_user: Any = None, request: Any = None) -> Institution:
    """Recreate an institution from an export archive (into this or a fresh deployment)."""
    institution = archive.restore_institution(archive_file)
    with schema_context("public"), transaction.atomic():
        audit_record(event=Event.INSTITUTION_RESTORED, actor=acting_user, request=request, target=institution)
    return institution
