"""Writes of branch votes: create (electorate snapshot), exclusions, record the meeting, delete a draft.

Each service checks that the acting user manages the branch (``require_manage``), runs in one
transaction with an audit row, and schedules side effects on commit. The rules are
``votes.quorum_fraction`` and ``votes.majority_fraction`` (细则第二十条、第二十一条、第三十三条),
resolved on the meeting date; the arithmetic is ``counting.evaluate``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.members.models import Member
from services.organization.models import OrgUnit
from services.orglife.models import Meeting

from .common import (
    CHOICES,
    EVENT_CREATED,
    EVENT_DELETED,
    EVENT_ELECTOR_EXCLUDED,
    EVENT_ELECTOR_INCLUDED,
    EVENT_RECORDED,
    LEFT_OFF_THE_ELECTORATE,
    VOTABLE_STAGE,
    _audit,
    _require_draft,
    _require_manager,
    vote_rules,
)
from .models import BranchVote, Candidate, Elector
from .recording import vote_record

__all__ = [
    "CHOICES",
    "EVENT_CREATED",
    "EVENT_DELETED",
    "EVENT_ELECTOR_EXCLUDED",
    "EVENT_ELECTOR_INCLUDED",
    "EVENT_RECORDED",
    "VOTABLE_STAGE",
    "elector_exclude",
    "elector_include",
    "vote_create",
    "vote_delete",
    "vote_record",
    "vote_rules",
]


def vote_create(
    *,
    branch: OrgUnit,
    kind: str,
    meeting_on: date,
    host: str,
    recorder: str,
    dossiers: Sequence[Any],
    acting_user: Any,
    place: str = "",
    meeting: Meeting | None = None,
) -> BranchVote:
    """A draft vote of ``branch`` on ``dossiers`` (each voted separately), with the electorate
    snapshot: the branch's members, full members (status normal) entitled, probationary members and
    other statuses listed as not entitled (《中国共产党章程》第七条: probationary members do not vote)."""
    _require_manager(acting_user, branch)
    unique = list({dossier.pk: dossier for dossier in dossiers}.values())
    _require_valid_vote(branch=branch, kind=kind, host=host, recorder=recorder, dossiers=unique)
    _require_the_meeting(branch=branch, meeting=meeting, meeting_on=meeting_on)
    with transaction.atomic():
        vote = BranchVote.objects.create(
            branch=branch,
            kind=kind,
            meeting=meeting,
            meeting_on=meeting_on,
            place=place.strip(),
            host=host.strip(),
            recorder=recorder.strip(),
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        Candidate.objects.bulk_create(
            [
                Candidate(vote=vote, dossier=dossier, name=dossier.name, sort_order=index)
                for index, dossier in enumerate(unique)
            ]
        )
        Elector.objects.bulk_create(_electorate(vote, branch))
        _audit(
            EVENT_CREATED,
            actor=acting_user,
            target=vote,
            after={
                "branch": branch.pk,
                "kind": kind,
                "meeting_on": meeting_on.isoformat(),
                "meeting": meeting.pk if meeting is not None else None,
                "dossiers": [dossier.pk for dossier in unique],
            },
        )
    return vote


def _require_valid_vote(*, branch: OrgUnit, kind: str, host: str, recorder: str, dossiers: Sequence[Any]) -> None:
    """A vote at a branch, of a known kind, with its host and recorder, on at least one dossier,
    each of that branch and at the stage the kind votes on (``VOTABLE_STAGE``). All that is wrong
    is said at once."""
    errors: dict[str, list[str]] = {}
    if branch.kind != OrgUnit.Kind.BRANCH:
        errors.setdefault("branch", []).append(_("表决只能在党支部的党员大会上进行。"))
    if kind not in BranchVote.Kind.values:
        errors.setdefault("kind", []).append(_("请选择表决事项。"))
    if not host.strip():
        errors.setdefault("host", []).append(_("请填写主持人。"))
    if not recorder.strip():
        errors.setdefault("recorder", []).append(_("请填写记录人。"))
    if not dossiers:
        errors.setdefault("dossiers", []).append(_("请至少选择一名表决对象。"))
    stage = VOTABLE_STAGE.get(kind, "")
    for dossier in dossiers:
        if dossier.branch_id != branch.pk:
            errors.setdefault("dossiers", []).append(
                _("%(name)s 不在“%(unit)s”。") % {"name": dossier.name, "unit": branch.name}
            )
        elif stage and dossier.stage != stage:
            errors.setdefault("dossiers", []).append(
                _("%(name)s 目前是“%(stage)s”，不能进行“%(kind)s”表决。")
                % {
                    "name": dossier.name,
                    "stage": dossier.get_stage_display(),
                    "kind": BranchVote.Kind(kind).label,
                }
            )
    if errors:
        raise ValidationError(errors)


def _require_the_meeting(*, branch: OrgUnit, meeting: Meeting | None, meeting_on: date) -> None:
    """A vote held at a planned meeting: a branch member meeting of the same branch, not
    cancelled, on the vote's date (细则: admission and confirmation are voted at the 支部党员大会)."""
    if meeting is None:
        return
    if meeting.kind != Meeting.Kind.MEMBER_MEETING or meeting.unit_id != branch.pk:
        raise ValidationError(
            {
                "meeting": _("表决应在本支部的支部党员大会上进行，请选择“%(unit)s”的一次支部党员大会。")
                % {"unit": branch.name}
            }
        )
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError({"meeting": _("所选的支部党员大会已取消。")})
    held_on = timezone.localtime(meeting.starts_at).date()
    if held_on != meeting_on:
        raise ValidationError(
            {"meeting_on": _("会议日期应与所选支部党员大会的日期（%(date)s）一致。") % {"date": held_on.isoformat()}}
        )


def _electorate(vote: BranchVote, branch: OrgUnit) -> list[Elector]:
    members = Member.objects.filter(branch=branch).exclude(status__in=LEFT_OFF_THE_ELECTORATE).order_by("name", "id")
    electors = []
    for member in members:
        if member.status == Member.Status.NORMAL:
            exclusion = Elector.Exclusion.NONE
        elif member.status == Member.Status.PROBATIONARY:
            exclusion = Elector.Exclusion.PROBATIONARY
        else:
            exclusion = Elector.Exclusion.STATUS
        electors.append(
            Elector(
                vote=vote,
                member=member,
                name=member.name,
                member_status=member.status,
                entitled=exclusion == Elector.Exclusion.NONE,
                exclusion=exclusion,
            )
        )
    return electors


def elector_exclude(
    *,
    elector: Elector,
    reason: str,
    approved_by: str,
    approved_on: date | None,
    acting_user: Any,
    note: str = "",
) -> Elector:
    """Take an entitled full member out of the count, with an approved reason (illness, abroad more
    than half a year…) and the approving body and date. Lowers the number entitled, so it lowers
    the quorum and the majority too."""
    vote = elector.vote
    _require_manager(acting_user, vote.branch)
    _require_draft(vote)
    errors: dict[str, list[str]] = {}
    approved_reasons = [
        value
        for value in Elector.Exclusion.values
        if value not in ("", Elector.Exclusion.PROBATIONARY, Elector.Exclusion.STATUS)
    ]
    if not elector.entitled:
        errors.setdefault("reason", []).append(_("%(name)s 本来就不计入有表决权人数。") % {"name": elector.name})
    if reason not in approved_reasons:
        errors.setdefault("reason", []).append(_("请选择不计入的原因。"))
    if not approved_by.strip():
        errors.setdefault("approved_by", []).append(_("请填写批准的组织（须经上级党组织同意）。"))
    if approved_on is None:
        errors.setdefault("approved_on", []).append(_("请填写批准日期。"))
    elif approved_on > vote.meeting_on:
        errors.setdefault("approved_on", []).append(_("批准日期不能晚于会议日期。"))
    if reason == Elector.Exclusion.OTHER and not note.strip():
        errors.setdefault("note", []).append(_("“其他”情形请写明理由。"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        elector.entitled = False
        elector.exclusion = reason
        elector.exclusion_note = note.strip()
        elector.exclusion_approved_by = approved_by.strip()
        elector.exclusion_approved_on = approved_on
        elector.presence = ""
        elector.written_opinions = {}
        elector.save()
        _audit(
            EVENT_ELECTOR_EXCLUDED,
            actor=acting_user,
            target=vote,
            after={
                "member": elector.member_id,
                "reason": reason,
                "approved_by": elector.exclusion_approved_by,
                "approved_on": approved_on.isoformat() if approved_on else None,
            },
        )
    return elector


def elector_include(*, elector: Elector, acting_user: Any) -> Elector:
    """Undo an approved exclusion. A member excluded by status (probationary, not in normal
    standing) cannot be included: that comes from the member record."""
    vote = elector.vote
    _require_manager(acting_user, vote.branch)
    _require_draft(vote)
    if not elector.approved_exclusion:
        raise ValidationError(
            _("%(name)s 的党籍状态是“%(status)s”，没有表决权。")
            % {"name": elector.name, "status": elector.get_member_status_display()}
        )
    with transaction.atomic():
        before = {"reason": elector.exclusion, "approved_by": elector.exclusion_approved_by}
        elector.entitled = True
        elector.exclusion = ""
        elector.exclusion_note = ""
        elector.exclusion_approved_by = ""
        elector.exclusion_approved_on = None
        elector.save()
        _audit(
            EVENT_ELECTOR_INCLUDED,
            actor=acting_user,
            target=vote,
            before=before,
            after={"member": elector.member_id},
        )
    return elector


def vote_delete(*, vote: BranchVote, acting_user: Any) -> None:
    """Delete a draft vote (created by mistake). A recorded vote is the meeting's record: kept."""
    _require_manager(acting_user, vote.branch)
    _require_draft(vote)
    with transaction.atomic():
        _audit(
            EVENT_DELETED,
            actor=acting_user,
            target=vote,
            before={"branch": vote.branch_id, "kind": vote.kind, "meeting_on": vote.meeting_on.isoformat()},
        )
        vote.delete()
