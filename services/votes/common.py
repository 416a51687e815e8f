"""What the vote services share: audit events, permission and draft checks, the rules in force.
Internal to services.py and recording.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.members.models import Member
from services.members.status import OFF_ROLL_STATUSES
from services.organization.models import OrgUnit
from services.organization.scope import Scope, can_manage
from services.rules.display import rule_title
from services.rules.resolver import RuleValue, rules_for

from . import counting
from .audit_events import (  # noqa: F401  (the services import them from here)
    EVENT_CREATED,
    EVENT_DELETED,
    EVENT_ELECTOR_EXCLUDED,
    EVENT_ELECTOR_INCLUDED,
    EVENT_RECORDED,
)
from .models import BranchVote

# The dossier stage that can be voted on, per kind: development targets are admitted, probationary
# members confirmed (docs/domain.md#votes).
VOTABLE_STAGE: dict[str, str] = {BranchVote.Kind.ADMISSION: "target", BranchVote.Kind.CONFIRMATION: "probationary"}
# Who the electorate leaves out: deliberately fewer than those off the roll
# (services/members/status.py). A member whose membership was stopped is still listed, as an
# elector without the right to vote (exclusion "status"), so the record shows why they did not.
LEFT_OFF_THE_ELECTORATE = OFF_ROLL_STATUSES - {Member.Status.STOPPED}
CHOICES = ("yes", "no", "abstain")


def _audit(event: str, **kwargs: Any) -> None:
    audit_record(event=event, **kwargs)


def can_manage_votes(*, acting_user: Any, branch: OrgUnit, scope: Scope | None = None) -> bool:
    """Whether ``acting_user`` may organize and record ``branch``'s votes: they manage it (None is
    the system). Every vote service checks it; views ask it before a form or a button."""
    return can_manage(acting_user=acting_user, unit=branch, scope=scope)


def _require_manager(acting_user: Any, branch: OrgUnit) -> None:
    if not can_manage_votes(acting_user=acting_user, branch=branch):
        raise PermissionDenied(_("您无权管理“%(unit)s”的表决。") % {"unit": branch.name})


def _require_draft(vote: BranchVote) -> None:
    if vote.status != BranchVote.Status.DRAFT:
        raise ValidationError(_("这次表决已经记录，不能再修改；如需重新表决，请新建一次表决。"))


def vote_rules(*, on: date) -> dict[str, RuleValue]:
    """The two vote rules in force on the meeting date (with the institution's overrides)."""
    return rules_for([counting.QUORUM_KEY, counting.MAJORITY_KEY], on=on)


def _fraction(rule: RuleValue) -> Any:
    try:
        value = counting.parse_fraction(rule.value)
    except (ValueError, ZeroDivisionError):
        value = None
    if value is None or not 0 < value < 1:
        raise ValidationError(
            _("规则“%(title)s”的取值“%(value)s”不是 0 到 1 之间的分数（如 1/2），请在规则设置中更正。")
            % {"title": rule_title(rule), "value": rule.value}
        )
    return value
