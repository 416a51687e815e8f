"""Contact persons (培养联系人) and sponsors (入党介绍人) of a development dossier
(docs/domain.md#development): assigned and released by those who manage the dossier's branch, one
audited transaction each, as in services.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from services.members.models import Member
from services.procedures.models import Stage

from . import guards as g
from .common import (
    CONTACT_STEP,
    EVENT_CONTACT_ASSIGNED,
    EVENT_CONTACT_ENDED,
    _add_step,
    _audit,
    _locked,
    _require_manage,
    _today,
)
from .models import Dossier, DossierContact

# Who may be assigned in which stage.
ALLOWED_STAGES: dict[str, tuple[str, ...]] = {
    DossierContact.Role.CONTACT: (Stage.ACTIVIST, Stage.TARGET),
    DossierContact.Role.SPONSOR: (Stage.TARGET,),
}


def _check_assignment(*, dossier: Dossier, member: Member, role: str, assigned_on: date) -> None:
    """A known role, the stage it belongs to, a full member who is not the person themself, a
    date not in the future; every failure at once."""
    errors: list[str] = []
    if role not in DossierContact.Role.values:
        raise ValidationError({"role": [_("未知的角色。")]})
    if dossier.stage not in ALLOWED_STAGES[role]:
        errors.append(
            _("当前阶段（%(stage)s）不能确定%(role)s。")
            % {"stage": dossier.get_stage_display(), "role": DossierContact.Role(role).label}
        )
    if member.status != Member.Status.NORMAL:
        errors.append(
            _("%(name)s 不是正式党员，不能担任%(role)s。")
            % {"name": member.name, "role": DossierContact.Role(role).label}
        )
    if dossier.member_id == member.pk or member.national_id_index == dossier.national_id_index:
        errors.append(_("不能指定本人。"))
    if assigned_on > _today():
        errors.append(_("日期不能晚于今天。"))
    if errors:
        raise ValidationError(errors)


def _check_room(*, dossier: Dossier, member: Member, role: str, assigned_on: date) -> None:
    """Inside the transaction, on the locked dossier: the member is not already assigned in this
    role, and the role is not full (``development.contact_persons_max`` or ``development.sponsors``
    on ``assigned_on``)."""
    current = DossierContact.objects.filter(dossier=dossier, role=role, ended_on__isnull=True)
    if current.filter(member=member).exists():
        raise ValidationError(
            _("%(name)s 已是%(role)s。") % {"name": member.name, "role": DossierContact.Role(role).label}
        )
    limit = g.RuleBook()(
        "development.contact_persons_max" if role == DossierContact.Role.CONTACT else "development.sponsors",
        assigned_on,
    )
    if current.count() >= limit.number:
        raise ValidationError(
            _("%(role)s最多 %(n)s 名（%(citation)s），请先解除一名。")
            % {"role": DossierContact.Role(role).label, "n": limit.number, "citation": limit.explanation}
        )


def dossier_contact_assign(
    *,
    dossier: Dossier,
    member: Member,
    role: str,
    assigned_on: date,
    acting_user: Any,
) -> DossierContact:
    """Assign a contact person (培养联系人: activists and development targets, at most
    ``development.contact_persons_max`` = 2) or a sponsor (入党介绍人: development targets, exactly
    ``development.sponsors`` = 2 in the end). Both must be full members (status normal), not the
    person themself. Records the "contact_persons" / "sponsors" step, for review."""
    _require_manage(acting_user=acting_user, branch=dossier.branch)
    _check_assignment(dossier=dossier, member=member, role=role, assigned_on=assigned_on)
    with transaction.atomic():
        locked = _locked(dossier)
        _check_room(dossier=locked, member=member, role=role, assigned_on=assigned_on)
        contact = DossierContact.objects.create(dossier=locked, member=member, role=role, assigned_on=assigned_on)
        _add_step(
            dossier=locked,
            code=CONTACT_STEP[role],
            occurred_on=assigned_on,
            acting_user=acting_user,
            note=_("确定%(role)s：%(name)s") % {"role": DossierContact.Role(role).label, "name": member.name},
            members=[member],
        )
        _audit(
            EVENT_CONTACT_ASSIGNED,
            actor=acting_user,
            target=locked,
            after={"role": role, "member": member.pk, "assigned_on": assigned_on.isoformat()},
        )
    return contact


def dossier_contact_end(*, contact: DossierContact, ended_on: date, acting_user: Any) -> DossierContact:
    """Release a contact person or sponsor (replaced, transferred...) from ``ended_on``."""
    _require_manage(acting_user=acting_user, branch=contact.dossier.branch)
    if ended_on < contact.assigned_on:
        raise ValidationError(_("结束日期不能早于确定日期。"))
    with transaction.atomic():
        locked = DossierContact.objects.select_for_update().get(pk=contact.pk)
        if locked.ended_on is not None:
            return locked
        locked.ended_on = ended_on
        locked.save(update_fields=["ended_on"])
        _audit(EVENT_CONTACT_ENDED, actor=acting_user, target=locked.dossier, after={"contact": locked.pk})
    return locked
