"""Stage changes of a development dossier (docs/domain.md#development): applicant → activist → development target
by the branch committee's decision (``dossier_advance``), admission and confirmation by the branch
member meeting's votes (``dossier_vote_outcome``, called by services/votes), the extension of
probation and the end of a dossier. Each is one audited transaction, guarded by guards.py.
Re-exported by services.py."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from services.members import services as member_services
from services.members.accounts import member_accounts_ensure
from services.members.models import Member, MemberChange
from services.procedures.models import Stage

from . import guards as g
from .common import (
    ADMISSION,
    CONFIRMATION,
    DECISION_STEP,
    EVENT_DOSSIER_ENDED,
    EVENT_PROBATION_EXTENDED,
    EVENT_STAGE_ADVANCED,
    EVENT_VOTE_OUTCOME,
    _add_step,
    _audit,
    _loaded,
    _locked,
    _not_future,
    _require_manage,
    _today,
)
from .models import Dossier, DossierStep

# The step a branch member meeting's vote records, passed or not.
MEETING_STEP: dict[str, str] = {ADMISSION: "admission_meeting", CONFIRMATION: "confirmation_meeting"}


def dossier_advance(*, dossier: Dossier, to_stage: str, on_date: date, acting_user: Any) -> Dossier:
    """Move an applicant to activist, or an activist to development target, on ``on_date`` (the
    branch committee's decision), when every blocking guard of ``guards.guards_for`` passes:
    to activist — age (``development.min_age``), the talk (``development.application_talk_months``),
    every step reviewed; to development target — at least ``development.activist_min_months`` (12)
    as an activist counted to ``on_date``, 1–2 contact persons, every step reviewed.
    Admission and confirmation happen only through the branch member meeting's votes
    (``dossier_vote_outcome``). Records the decision step when none is recorded yet."""
    _require_manage(acting_user=acting_user, branch=dossier.branch)
    expected: dict[str, str] = {Stage.ACTIVIST: Stage.APPLICANT, Stage.TARGET: Stage.ACTIVIST}
    if to_stage in (Stage.PROBATIONARY, Stage.FULL):
        raise ValidationError(_("接收预备党员和转正须经支部党员大会表决，请在表决中记录结果。"))
    if to_stage not in expected:
        raise ValidationError(_("无法转入该阶段。"))
    _not_future(on_date, "on_date")
    with transaction.atomic():
        locked = _locked(dossier)
        if locked.stage != expected[to_stage]:
            raise ValidationError(
                _("当前阶段为“%(stage)s”，不能转为“%(to)s”。")
                % {"stage": locked.get_stage_display(), "to": Stage(to_stage).label}
            )
        previous = locked.activist_on if to_stage == Stage.TARGET else locked.applied_on
        if previous and on_date < previous:
            raise ValidationError({"on_date": [_("日期不能早于上一阶段开始日期。")]})
        loaded = _loaded(locked)
        g.require(g.guards_for(loaded, to_stage=to_stage, on=on_date, today=_today()))
        before = locked.stage
        locked.stage = to_stage
        if to_stage == Stage.ACTIVIST:
            locked.activist_on = on_date
        else:
            locked.target_on = on_date
        locked.save(update_fields=["stage", "activist_on", "target_on", "updated_at"])
        code = DECISION_STEP[to_stage]
        if (
            not DossierStep.objects.filter(dossier=locked, code=code)
            .exclude(review=DossierStep.Review.REJECTED)
            .exists()
        ):
            _add_step(dossier=locked, code=code, occurred_on=on_date, acting_user=acting_user)
        _audit(
            EVENT_STAGE_ADVANCED,
            actor=acting_user,
            target=locked,
            before={"stage": before},
            after={"stage": to_stage, "on": on_date.isoformat()},
        )
    return locked


def _member_for(dossier: Dossier, *, meeting_on: date, acting_user: Any) -> Member:
    """The member record of a newly admitted probationary member, created through the members
    service (history and audit there), then set to probationary with its own history row."""
    member = member_services.member_create(
        acting_user=acting_user,
        name=dossier.name,
        gender=dossier.gender,
        birth_date=dossier.birth_date,
        national_id=dossier.national_id,
        category=dossier.category,
        number=dossier.number,
        branch=dossier.branch,
        joined_on=meeting_on,
    )
    # A record starts as a full member in the members capability; a probationary member is not a
    # transition of its state machine but the state the record is born in, so it is set here.
    Member.objects.filter(pk=member.pk).update(status=Member.Status.PROBATIONARY)
    MemberChange.objects.create(
        member=member,
        kind="status",
        reason=_("支部党员大会通过接收为预备党员"),
        changes={
            "status": [Member.Status.NORMAL, Member.Status.PROBATIONARY],
            "effective_on": [None, meeting_on.isoformat()],
        },
        actor_id=getattr(acting_user, "pk", None),
        actor_username=getattr(acting_user, "username", ""),
    )
    # The applicant's account carries over to the record; an applicant without one gets a fresh
    # account to activate, like every member on the roll (services/members/accounts.py).
    if dossier.user_id and not Member.objects.filter(user_id=dossier.user_id).exists():
        Member.objects.filter(pk=member.pk).update(user_id=dossier.user_id)
    member.refresh_from_db()
    if member.user_id is None:
        member_accounts_ensure(members=[member], acting_user=acting_user)
        member.refresh_from_db()
    return member


def _vote_applied(dossier: Dossier, *, vote_id: int) -> bool:
    """Whether this vote's outcome is already on the dossier (the vote id on the dossier, or on
    the meeting step a failed vote recorded): applying it again changes nothing."""
    if vote_id in (dossier.admission_vote_id, dossier.confirmation_vote_id):
        return True
    return DossierStep.objects.filter(dossier=dossier, note__startswith=f"#{vote_id} ").exists()


def _check_stage_for_vote(dossier: Dossier, *, kind: str) -> None:
    """Admission is voted on for a development target, confirmation for a probationary member."""
    expected = Stage.TARGET if kind == ADMISSION else Stage.PROBATIONARY
    if dossier.stage != expected:
        raise ValidationError(
            _("“%(name)s”当前为“%(stage)s”，不能进行该表决。")
            % {"name": dossier.name, "stage": dossier.get_stage_display()}
        )


def _vote_note(*, vote_id: int, passed: bool) -> str:
    """The meeting step's note: the vote id first (``_vote_applied`` reads it), then the outcome."""
    outcome = _("通过") if passed else _("未通过")
    return f"#{vote_id} " + _("支部党员大会表决%(outcome)s") % {"outcome": outcome}


def _apply_passed_vote(dossier: Dossier, *, kind: str, meeting_on: date, vote_id: int, acting_user: Any) -> None:
    """A passed vote: check the meeting date and the guards of the stage it leads to, then admit
    or confirm and save the dossier (inside the caller's transaction)."""
    if meeting_on < (dossier.target_on or dossier.applied_on):
        raise ValidationError(_("会议日期不能早于确定为发展对象的日期。"))
    to_stage = Stage.PROBATIONARY if kind == ADMISSION else Stage.FULL
    g.require(g.guards_for(_loaded(dossier), to_stage=to_stage, on=meeting_on, today=_today()))
    if kind == ADMISSION:
        _admit(dossier, meeting_on=meeting_on, vote_id=vote_id, acting_user=acting_user)
    else:
        _confirm(dossier, vote_id=vote_id, acting_user=acting_user)
    dossier.save()


def _admit(dossier: Dossier, *, meeting_on: date, vote_id: int, acting_user: Any) -> None:
    """Admission: the member record is created, probationary from the meeting, and probation ends
    ``probation.months`` later."""
    member = _member_for(dossier, meeting_on=meeting_on, acting_user=acting_user)
    dossier.member = member
    dossier.stage = Stage.PROBATIONARY
    dossier.admitted_on = meeting_on
    dossier.probation_ends_on = g.probation_end(admitted_on=meeting_on, extension_months=None)
    dossier.admission_vote_id = vote_id


def _confirm(dossier: Dossier, *, vote_id: int, acting_user: Any) -> None:
    """Confirmation: the member becomes a full member as of the end of probation (《中国共产党章程》
    第七条), through the members service."""
    ends = dossier.probation_ends_on or g.probation_end(
        admitted_on=cast(date, dossier.admitted_on), extension_months=dossier.extension_months
    )
    if dossier.member is not None:
        member_services.member_status_change(
            member=dossier.member,
            to_status=Member.Status.NORMAL,
            on_date=ends,
            reason=_("支部党员大会通过转为正式党员"),
            acting_user=acting_user,
        )
        Member.objects.filter(pk=dossier.member.pk).update(confirmed_on=ends)
    dossier.stage = Stage.FULL
    dossier.confirmed_on = ends
    dossier.confirmation_vote_id = vote_id


def dossier_vote_outcome(
    *,
    dossier: Dossier,
    kind: str,
    passed: bool,
    meeting_on: date,
    vote_id: int,
    acting_user: Any,
) -> Dossier:
    """Apply the outcome of a branch member meeting's vote on one candidate (services/votes calls
    this inside its own transaction, after validating quorum and majority).

    - ``kind="admission"``, passed: the dossier must be a development target whose blocking guards
      to probationary membership pass on ``meeting_on`` (2 sponsors, political review, training
      ≥ 3 days or 24 hours, publicity ≥ 5 working days, pre-review, volunteer form, every step
      reviewed) — otherwise ValidationError. It creates the member record through
      services/members (``member_create``) with status probationary and ``joined_on =
      meeting_on``, links it (``dossier.member``), sets the stage to probationary,
      ``admitted_on = meeting_on``, ``probation_ends_on`` = meeting + ``probation.months`` (12),
      and records the "admission_meeting" step, approved.
    - ``kind="confirmation"``, passed: the dossier must be probationary, approved by the higher
      committee within ``development.approval_months`` (3) of the admission vote, with probation
      ended on ``meeting_on`` and a confirmation application recorded. The member's status becomes
      normal through ``member_status_change`` with ``confirmed_on`` = the end of probation (party
      standing counts from the day probation ends, 《中国共产党章程》第七条); the dossier becomes
      full, and the "confirmation_meeting" step is recorded, approved.
    - not passed: the stage does not change; the "admission_meeting" / "confirmation_meeting" step
      is recorded with the outcome. After a failed confirmation the secretary decides to extend
      probation (``dossier_probation_extend``) or to cancel it (``dossier_end``).

    Idempotent per vote: calling it again with the same ``vote_id`` returns the dossier unchanged.
    """
    if kind not in (ADMISSION, CONFIRMATION):
        raise ValueError(f"unknown vote kind {kind!r}")
    _require_manage(acting_user=acting_user, branch=dossier.branch)
    with transaction.atomic():
        locked = _locked(dossier)
        if _vote_applied(locked, vote_id=vote_id):
            return locked
        _check_stage_for_vote(locked, kind=kind)
        before = locked.stage
        if passed:
            _apply_passed_vote(locked, kind=kind, meeting_on=meeting_on, vote_id=vote_id, acting_user=acting_user)
        _add_step(
            dossier=locked,
            code=MEETING_STEP[kind],
            occurred_on=meeting_on,
            acting_user=acting_user,
            note=_vote_note(vote_id=vote_id, passed=passed),
            review=DossierStep.Review.APPROVED,
        )
        _audit(
            EVENT_VOTE_OUTCOME,
            actor=acting_user,
            target=locked,
            before={"stage": before},
            after={"stage": locked.stage, "kind": kind, "passed": passed, "meeting_on": meeting_on.isoformat()},
            detail={"vote_id": vote_id},
        )
    return locked


def dossier_probation_extend(
    *,
    dossier: Dossier,
    months: int,
    reason: str,
    on_date: date,
    acting_user: Any,
) -> Dossier:
    """Extend probation once (``probation.extension_max_times``) by ``probation.extension_min_months``
    (6) to ``probation.extension_max_months`` (12) months (``guards.extension_guard``); the new end
    is the meeting date + ``probation.months`` + the extension. A reason is required."""
    _require_manage(acting_user=acting_user, branch=dossier.branch)
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写延长预备期的理由。")]})
    _not_future(on_date, "on_date")
    with transaction.atomic():
        locked = _locked(dossier)
        if locked.stage != Stage.PROBATIONARY or locked.admitted_on is None:
            raise ValidationError(_("只有预备党员可以延长预备期。"))
        g.require([g.extension_guard(locked, months=months, on=on_date)])
        before = locked.probation_ends_on
        locked.extension_months = months
        locked.extension_reason = reason.strip()
        locked.probation_ends_on = g.probation_end(admitted_on=locked.admitted_on, extension_months=months)
        locked.save(update_fields=["extension_months", "extension_reason", "probation_ends_on", "updated_at"])
        _audit(
            EVENT_PROBATION_EXTENDED,
            actor=acting_user,
            target=locked,
            before={"probation_ends_on": before.isoformat() if before else None},
            after={"probation_ends_on": locked.probation_ends_on.isoformat(), "months": months},
            detail={"reason": locked.extension_reason, "on": on_date.isoformat()},
        )
    return locked


def dossier_end(*, dossier: Dossier, reason: str, on_date: date, acting_user: Any) -> Dossier:
    """End a dossier before full membership: an applicant, activist or target who withdraws or
    is not developed, or a probationary member whose probationary status is cancelled (取消预备党员
    资格, 《中国共产党章程》第七条) — their member record then goes to "stopped" through
    ``member_status_change``. A reason is required; the dossier stays readable."""
    _require_manage(acting_user=acting_user, branch=dossier.branch)
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写原因。")]})
    _not_future(on_date, "on_date")
    with transaction.atomic():
        locked = _locked(dossier)
        if locked.stage in (Stage.FULL, Stage.ENDED):
            raise ValidationError(_("该档案已结束。"))
        before = locked.stage
        if locked.stage == Stage.PROBATIONARY and locked.member is not None:
            member_services.member_status_change(
                member=locked.member,
                to_status=Member.Status.STOPPED,
                on_date=on_date,
                reason=_("取消预备党员资格：%(reason)s") % {"reason": reason.strip()},
                acting_user=acting_user,
            )
        locked.stage = Stage.ENDED
        locked.ended_on = on_date
        locked.ended_reason = reason.strip()
        locked.save(update_fields=["stage", "ended_on", "ended_reason", "updated_at"])
        _audit(
            EVENT_DOSSIER_ENDED,
            actor=acting_user,
            target=locked,
            before={"stage": before},
            after={"stage": Stage.ENDED, "on": on_date.isoformat()},
            detail={"reason": locked.ended_reason},
        )
    return locked


# --- local steps ----------------------------------------------------------------------------------
