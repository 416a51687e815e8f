"""Who writes ideological reports, and who reviews them (docs/thought_reports.md#who).

- the writer: an account linked to an open development dossier (``Dossier.user``, or the member
  record the dossier made at admission), in any stage from applicant to probationary member; or a
  probationary member recorded without a dossier (``member_of``);
- the contact persons (培养联系人): the dossier's contacts of role "contact" not ended
  (``DossierContact``), through their member records' accounts;
- the branch committee: those who manage the report's branch (``scope.can_manage``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from services.development.models import Dossier, DossierContact
from services.members.models import Member
from services.members.selectors import member_of
from services.organization.models import OrgUnit
from services.organization.scope import Scope, can_manage
from services.procedures.models import Stage

from .models import Report
from .schedule import Cadence, Stages

WRITING_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY)


@dataclass(frozen=True)
class Writer:
    """A person who writes reports: their dossier (or member record), branch, name and dates."""

    dossier: Dossier | None
    member: Member | None
    branch: OrgUnit
    name: str

    def stages(self, rules: Cadence) -> Stages:
        if self.dossier is not None:
            d = self.dossier
            return Stages(d.applied_on, d.admitted_on, d.probation_ends_on, d.confirmed_on or d.ended_on)
        member = self.member
        assert member is not None
        joined = member.joined_on
        ends = joined + relativedelta(months=rules.probation_months.number) if joined else None
        return Stages(None, joined, ends, member.confirmed_on)


def writer_of(user: Any) -> Writer | None:
    """The person ``user`` writes reports as, or None (a full member, a manager, a visitor)."""
    if not getattr(user, "is_authenticated", False):
        return None
    dossier = (
        Dossier.objects.filter(Q(user_id=user.pk) | Q(member__user_id=user.pk), stage__in=WRITING_STAGES)
        .select_related("branch", "member")
        .order_by("-applied_on", "-pk")
        .first()
    )
    if dossier is not None:
        return Writer(dossier=dossier, member=dossier.member, branch=dossier.branch, name=dossier.name)
    member = member_of(user)
    if member is not None and member.status == Member.Status.PROBATIONARY and member.branch is not None:
        return Writer(dossier=None, member=member, branch=member.branch, name=member.name)
    return None


def writer_of_report(report: Report) -> Writer:
    return Writer(dossier=report.dossier, member=report.member, branch=report.branch, name=report.author_name)


def contact_user_ids(dossier_id: int | None, *, on: date | None = None) -> set[int]:
    """The accounts of the dossier's contact persons in charge (not ended)."""
    if dossier_id is None:
        return set()
    rows = DossierContact.objects.filter(
        dossier_id=dossier_id, role=DossierContact.Role.CONTACT, ended_on__isnull=True, member__user__isnull=False
    )
    return set(rows.values_list("member__user_id", flat=True))


def contact_q(user: Any, prefix: str = "") -> Q:
    """Reports (or dossiers, with ``prefix``) whose contact person in charge is ``user``."""
    dossiers = DossierContact.objects.filter(
        role=DossierContact.Role.CONTACT, ended_on__isnull=True, member__user_id=user.pk
    ).values("dossier_id")
    return Q(**{f"{prefix}dossier_id__in": dossiers})


def is_contact(*, user: Any, report: Report) -> bool:
    return getattr(user, "pk", None) in contact_user_ids(report.dossier_id)


def is_branch_manager(*, user: Any, report: Report, scope: Scope | None = None) -> bool:
    return can_manage(acting_user=user, unit=report.branch, scope=scope)
