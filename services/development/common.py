"""What the development services share: permission checks, locking, audit events and the step
a service records as part of another change. Internal to services.py and stages.py, but for
``can_manage_development``, which the views ask too."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from services.accounts.models import User
from services.audit.services import audit_record
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.scope import Scope, can_manage, scope_for
from services.procedures.models import Stage, TemplateStep
from services.procedures.selectors import template_in_force

from .audit_events import (  # noqa: F401  (the services import them from here)
    EVENT_CONTACT_ASSIGNED,
    EVENT_CONTACT_ENDED,
    EVENT_DOCUMENT_OPENED,
    EVENT_DOSSIER_CREATED,
    EVENT_DOSSIER_ENDED,
    EVENT_LOCAL_STEP_CHANGED,
    EVENT_PROBATION_EXTENDED,
    EVENT_STAGE_ADVANCED,
    EVENT_STEP_RECORDED,
    EVENT_STEP_REVIEWED,
    EVENT_VOTE_OUTCOME,
)
from .models import Dossier, DossierContact, DossierStep

ADMISSION, CONFIRMATION = "admission", "confirmation"
# The decision step recorded when a stage begins.
DECISION_STEP: dict[str, str] = {Stage.ACTIVIST: "activist_recommend", Stage.TARGET: "target_decision"}
CONTACT_STEP: dict[str, str] = {DossierContact.Role.CONTACT: "contact_persons", DossierContact.Role.SPONSOR: "sponsors"}


def _audit(event: str, **kwargs: Any) -> None:
    audit_record(event=event, **kwargs)


def can_manage_development(*, acting_user: Any, branch: OrgUnit, scope: Scope | None = None) -> bool:
    """Whether ``acting_user`` may change the development work of ``branch``: they manage it
    (None is the system). Every development service checks it; views ask it before a form."""
    return can_manage(acting_user=acting_user, unit=branch, scope=scope)


def can_set_local_steps(*, acting_user: Any, scope: Scope | None = None) -> bool:
    """Whether ``acting_user`` may add or change the institution's local steps: only its
    administrators (a local step applies to every branch)."""
    return (scope or scope_for(acting_user)).everything


def _require_manage(*, acting_user: Any, branch: OrgUnit) -> None:
    if not can_manage_development(acting_user=acting_user, branch=branch):
        raise PermissionDenied(_("您无权管理“%(unit)s”的发展党员工作。") % {"unit": branch.name})


def _today() -> date:
    return timezone.localdate()


def _not_future(day: date, field: str) -> None:
    if day > _today():
        raise ValidationError({field: [_("日期不能晚于今天。")]})


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().select_related("branch").get(pk=dossier.pk)


def _loaded(dossier: Dossier) -> Dossier:
    """The dossier with the steps and contacts the guards read."""
    return Dossier.objects.prefetch_related("steps", "contacts").select_related("branch").get(pk=dossier.pk)


def _template_step(dossier: Dossier, code: str) -> TemplateStep | None:
    template = dossier.template or template_in_force(on=dossier.applied_on)
    if template is None:
        return None
    return TemplateStep.objects.filter(template=template, code=code).first()


def _add_step(
    *,
    dossier: Dossier,
    code: str,
    occurred_on: date,
    acting_user: Any,
    note: str = "",
    review: str = DossierStep.Review.RECORDED,
    members: Iterable[Member] = (),
) -> DossierStep:
    """A step recorded by a service as part of another change (inside its transaction)."""
    template_step = _template_step(dossier, code)
    step = DossierStep.objects.create(
        dossier=dossier,
        template_step=template_step,
        code=code,
        title=template_step.title if template_step else code,
        occurred_on=occurred_on,
        note=note,
        review=review,
        recorded_by=acting_user if isinstance(acting_user, User) else None,
        reviewed_by=acting_user if review == DossierStep.Review.APPROVED and isinstance(acting_user, User) else None,
        reviewed_at=timezone.now() if review == DossierStep.Review.APPROVED else None,
    )
    if members:
        step.actor_members.set(list(members))
    return step


# --- dossiers -------------------------------------------------------------------------------------
