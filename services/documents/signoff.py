"""Read receipts (签收): members sign the notices addressed to them, once each. One audited
transaction per signature; the committee's notices are signed in the member's own institution
(the receipt never goes to the public schema)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from services.members.selectors import member_of

from .audit_events import DocumentEvent
from .models import Document, Receipt
from .selectors import in_public_schema, public_document_get, unit_contains
from .services import _audit


def notice_sign(*, document: Document, acting_user: Any) -> Receipt:
    """The acting user's member record signs the notice (once; signing again returns the receipt).
    Only members in the notice's scope sign."""
    if document.kind != Document.Kind.NOTICE or not document.requires_signoff:
        raise ValidationError(_("这份文件不需要签收。"))
    member = member_of(acting_user)
    if member is None:
        raise PermissionDenied(_("您的账号没有关联党员档案，无法签收。"))
    if document.scope_unit is not None and not unit_contains(document.scope_unit, member.branch):
        raise PermissionDenied(_("这份通知不在您所在支部的范围内。"))
    with transaction.atomic():
        receipt, created = Receipt.objects.get_or_create(
            document=document, member_id=member.pk, defaults={"user": acting_user}
        )
        if created:
            _audit(DocumentEvent.SIGNED, actor=acting_user, target=document, after={"member": member.name})
    return receipt


def public_notice_sign(*, document_id: int, acting_user: Any) -> Receipt:
    """The acting user's member record signs a notice the committee published to every
    institution; the receipt is stored in the user's own institution (never in the public schema)."""
    if in_public_schema():
        raise ValidationError(_("请在学校站点签收。"))
    document, _versions = public_document_get(pk=document_id)
    if document.kind != Document.Kind.NOTICE or not document.requires_signoff:
        raise ValidationError(_("这份文件不需要签收。"))
    member = member_of(acting_user)
    if member is None:
        raise PermissionDenied(_("您的账号没有关联党员档案，无法签收。"))
    with transaction.atomic():
        receipt, created = Receipt.objects.get_or_create(
            public_document_id=document.pk, member_id=member.pk, defaults={"user": acting_user}
        )
        if created:
            _audit(
                DocumentEvent.SIGNED,
                actor=acting_user,
                detail={"public_document": document.pk, "title": document.title},
                after={"member": member.name},
            )
    return receipt
