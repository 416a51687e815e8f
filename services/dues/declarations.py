"""A member's declaration of a changed base (本人申报, docs/dues.md "Bases and my dues").

The member declares the new monthly base, the month the pay changed (第十条: the new base applies
from that month) and why; a manager of the member's branch confirms it — a ``Base`` from that
month in the category then in force (``bases.base_set``, source "declared", with every rule of a
base) — or refuses it with a note. One declaration waits at a time per member. Both steps are
audited.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.members.models import Member
from services.organization.scope import require_manage, scope_for

from .audit_events import EVENT_BASE_DECLARED, EVENT_DECLARATION_DECIDED
from .bases import BaseInput, base_in_force, base_problems, base_set, last_closed_month
from .mine import my_member
from .models import Base, BaseDeclaration, Category


def declaration_submit(*, acting_user: Any, monthly_base: Decimal, starts_on: Any, reason: str) -> BaseDeclaration:
    """The caller declares a new base for their own record (refused without one, with another
    declaration still waiting, or for an amount or month a base could not have)."""
    member = my_member(acting_user=acting_user)
    if member is None:
        raise PermissionDenied(_("您的账号没有关联党员档案，不能申报党费基数。"))
    reason = (reason or "").strip()
    problems = base_problems(
        BaseInput(category=Category.EMPLOYED, monthly_base=monthly_base, starts_on=starts_on),
        closed_through=last_closed_month(),
    )
    if not reason:
        problems["reason"] = _("请说明工资变动的原因。")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()  # one waiting declaration
        if member.dues_declarations.filter(status=BaseDeclaration.Status.PENDING).exists():
            raise ValidationError(_("您已有一份待支部确认的申报，请等待处理后再申报。"))
        declaration = BaseDeclaration.objects.create(
            member=member, monthly_base=monthly_base, starts_on=starts_on, reason=reason[:200]
        )
        audit_record(
            event=EVENT_BASE_DECLARED,
            actor=acting_user,
            target=declaration,
            after={"monthly_base": str(monthly_base), "starts_on": starts_on.isoformat(), "reason": declaration.reason},
        )
    return declaration


def declarations_to_decide(*, acting_user: Any, include_decided: bool = False) -> QuerySet[BaseDeclaration]:
    """The declarations of the members ``acting_user`` manages, waiting ones first."""
    scope = scope_for(acting_user)
    if not scope.is_manager:
        raise PermissionDenied(_("只有管理党组织的人员才能管理党费基数。"))
    found = BaseDeclaration.objects.filter(member__in=Member.objects.filter(scope.members_q(manage=True)))
    if not include_decided:
        found = found.filter(status=BaseDeclaration.Status.PENDING)
    return found.select_related("member", "member__branch").order_by("status", "-created_at")


def declaration_get(*, acting_user: Any, pk: int) -> BaseDeclaration:
    """A declaration of a member ``acting_user`` manages (BaseDeclaration.DoesNotExist otherwise)."""
    return declarations_to_decide(acting_user=acting_user, include_decided=True).get(pk=pk)


def _category_for(declaration: BaseDeclaration) -> str:
    current: Base | None = base_in_force(member=declaration.member, on=declaration.starts_on)
    return current.category if current is not None else Category.EMPLOYED


def declaration_decide(
    *, acting_user: Any, declaration: BaseDeclaration, confirm: bool, note: str = ""
) -> BaseDeclaration:
    """Confirm (a base from the declared month, in the category then in force) or refuse (a note
    is required) a waiting declaration."""
    member = declaration.member
    require_manage(acting_user=acting_user, unit=member.branch, message=_("您无权设置“%(unit)s”党员的党费基数。"))
    note = (note or "").strip()[:200]
    if not confirm and not note:
        raise ValidationError({"note": _("请填写不采纳的理由，申报人会看到。")})
    with transaction.atomic():
        locked = BaseDeclaration.objects.select_for_update().get(pk=declaration.pk)
        if locked.status != BaseDeclaration.Status.PENDING:
            raise ValidationError(_("该申报已处理。"))
        if confirm:
            locked.base = base_set(
                acting_user=acting_user,
                member=member,
                category=_category_for(locked),
                monthly_base=locked.monthly_base,
                starts_on=locked.starts_on,
                note=_("本人申报：%(reason)s") % {"reason": locked.reason},
                source=Base.Source.DECLARED,
            )
        locked.status = BaseDeclaration.Status.CONFIRMED if confirm else BaseDeclaration.Status.REFUSED
        locked.decided_by, locked.decided_at, locked.decision_note = acting_user, timezone.now(), note
        locked.save()
        audit_record(
            event=EVENT_DECLARATION_DECIDED,
            actor=acting_user,
            target=locked,
            after={"status": locked.status, "note": note, "base": locked.base_id},
        )
    return locked


def my_declarations(*, member: Member, limit: int = 10) -> list[BaseDeclaration]:
    return list(member.dues_declarations.order_by("-created_at")[:limit])
