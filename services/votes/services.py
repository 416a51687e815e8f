"""Writes of branch votes: create (electorate snapshot), exclusions, record the meeting, delete a draft.

Each service checks that the acting user manages the branch (``require_manage``), runs in one
transaction with an audit row, and schedules side effects on commit. The rules are
``votes.quorum_fraction`` and ``votes.majority_fraction`` (细则第二十条、第二十一条、第三十三条),
resolved on the meeting date; the arithmetic is ``rules.evaluate``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.models import Event
from services.audit.services import audit_record
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.scope import require_manage
from services.rules.display import rule_title
from services.rules.resolver import RuleValue, rules_for

from . import rules
from .models import BranchVote, Candidate, Elector

EVENT_CREATED = "vote.created"
EVENT_ELECTOR_EXCLUDED = "vote.elector_excluded"
EVENT_ELECTOR_INCLUDED = "vote.elector_included"
EVENT_RECORDED = "vote.recorded"
EVENT_DELETED = "vote.deleted"

# The dossier stage that can be voted on, per kind: development targets are admitted, probationary
# members confirmed (DOMAIN §4).
VOTABLE_STAGE: dict[str, str] = {BranchVote.Kind.ADMISSION: "target", BranchVote.Kind.CONFIRMATION: "probationary"}
# Members on the roll but not shown on the electorate (they have left it).
OFF_ROLL = {Member.Status.TRANSFERRED_OUT, Member.Status.DECEASED}
CHOICES = ("yes", "no", "abstain")


def _audit(event: str, **kwargs: Any) -> None:
    # The vote events are not members of audit.Event (an app outside votes); the column is free text.
    audit_record(event=Event(event), **kwargs)


def _require_manager(acting_user: Any, branch: OrgUnit) -> None:
    require_manage(acting_user=acting_user, unit=branch, message=_("您无权管理“%(unit)s”的表决。"))


def _require_draft(vote: BranchVote) -> None:
    if vote.status != BranchVote.Status.DRAFT:
        raise ValidationError(_("这次表决已经记录，不能再修改；如需重新表决，请新建一次表决。"))


def vote_rules(*, on: date) -> dict[str, RuleValue]:
    """The two vote rules in force on the meeting date (with the institution's overrides)."""
    return rules_for([rules.QUORUM_KEY, rules.MAJORITY_KEY], on=on)


def _fraction(rule: RuleValue) -> Any:
    try:
        value = rules.parse_fraction(rule.value)
    except (ValueError, ZeroDivisionError):
        value = None
    if value is None or not 0 < value < 1:
        raise ValidationError(
            _("规则“%(title)s”的取值“%(value)s”不是 0 到 1 之间的分数（如 1/2），请在规则设置中更正。")
            % {"title": rule_title(rule), "value": rule.value}
        )
    return value


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
    request: HttpRequest | None = None,
) -> BranchVote:
    """A draft vote of ``branch`` on ``dossiers`` (each voted separately), with the electorate
    snapshot: the branch's members, full members (status normal) entitled, probationary members and
    other statuses listed as not entitled (《中国共产党章程》第七条: probationary members do not vote)."""
    _require_manager(acting_user, branch)
    errors: dict[str, list[str]] = {}
    if branch.kind != OrgUnit.Kind.BRANCH:
        errors.setdefault("branch", []).append(_("表决只能在党支部的党员大会上进行。"))
    if kind not in BranchVote.Kind.values:
        errors.setdefault("kind", []).append(_("请选择表决事项。"))
    if not host.strip():
        errors.setdefault("host", []).append(_("请填写主持人。"))
    if not recorder.strip():
        errors.setdefault("recorder", []).append(_("请填写记录人。"))
    unique = list({dossier.pk: dossier for dossier in dossiers}.values())
    if not unique:
        errors.setdefault("dossiers", []).append(_("请至少选择一名表决对象。"))
    stage = VOTABLE_STAGE.get(kind, "")
    for dossier in unique:
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
    with transaction.atomic():
        vote = BranchVote.objects.create(
            branch=branch,
            kind=kind,
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
            request=request,
            target=vote,
            after={
                "branch": branch.pk,
                "kind": kind,
                "meeting_on": meeting_on.isoformat(),
                "dossiers": [dossier.pk for dossier in unique],
            },
        )
    return vote


def _electorate(vote: BranchVote, branch: OrgUnit) -> list[Elector]:
    members = Member.objects.filter(branch=branch).exclude(status__in=OFF_ROLL).order_by("name", "id")
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
    request: HttpRequest | None = None,
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
            request=request,
            target=vote,
            after={
                "member": elector.member_id,
                "reason": reason,
                "approved_by": elector.exclusion_approved_by,
                "approved_on": approved_on.isoformat() if approved_on else None,
            },
        )
    return elector


def elector_include(*, elector: Elector, acting_user: Any, request: HttpRequest | None = None) -> Elector:
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
            request=request,
            target=vote,
            before=before,
            after={"member": elector.member_id},
        )
    return elector


def vote_record(
    *,
    vote: BranchVote,
    presence: Mapping[int, str],
    counts: Mapping[int, Mapping[str, int]],
    acting_user: Any,
    written_opinions: Mapping[int, Mapping[int, str]] | None = None,
    request: HttpRequest | None = None,
) -> BranchVote:
    """Record the meeting: presence of each entitled elector (``presence[elector id]``: present /
    written / absent), each written opinion per candidate (``written_opinions[elector id]
    [candidate id]``: yes / no / abstain), and each candidate's counts (``counts[candidate id]``:
    yes, no, abstain — written opinions included).

    Rules: quorum ``votes.quorum_fraction`` (present > 1/2 of the entitled, 细则第二十条), majority
    ``votes.majority_fraction`` (yes > 1/2 of the entitled full members, written opinions counted,
    细则第二十一条; confirmation the same, 第三十三条). The numbers must add up (``rules.evaluate``);
    a ``ValidationError`` names the wrong number. Without a quorum the meeting is recorded as invalid
    and no candidate is decided. Each passed or failed candidate's dossier is told in the same
    transaction (``services.development.services.dossier_vote_outcome``, which advances it or
    refuses with the guard that blocks; a refusal rolls the record back)."""
    _require_manager(acting_user, vote.branch)
    _require_draft(vote)
    written_opinions = written_opinions or {}
    electors = list(vote.electors.filter(entitled=True))
    candidates = list(vote.candidates.all())
    candidate_ids = {candidate.pk for candidate in candidates}
    errors: dict[str, list[str]] = {}
    present = written = 0
    for elector in electors:
        value = presence.get(elector.pk, "")
        if value not in Elector.Presence.values:
            errors.setdefault(f"presence-{elector.pk}", []).append(
                _("请登记 %(name)s 的到会情况。") % {"name": elector.name}
            )
            continue
        if value == Elector.Presence.PRESENT:
            present += 1
        elif value == Elector.Presence.WRITTEN:
            written += 1
            opinions = written_opinions.get(elector.pk, {})
            for candidate in candidates:
                if opinions.get(candidate.pk) not in CHOICES:
                    errors.setdefault(f"opinion-{elector.pk}-{candidate.pk}", []).append(
                        _("请登记 %(name)s 对 %(candidate)s 的书面意见（赞成、反对或弃权）。")
                        % {"name": elector.name, "candidate": candidate.name}
                    )
    for candidate in candidates:
        if candidate.dossier_id is None:
            errors.setdefault(f"candidate-{candidate.pk}", []).append(
                _("%(name)s 的发展档案已不在本校（可能已转出），请删除这次表决后重新创建。") % {"name": candidate.name}
            )
    unknown = set(presence) - {elector.pk for elector in electors}
    if unknown:
        errors.setdefault("presence", []).append(_("到会登记中有不在有表决权名单上的人。"))
    if errors:
        raise ValidationError(errors)

    in_force = vote_rules(on=vote.meeting_on)
    quorum_fraction = _fraction(in_force[rules.QUORUM_KEY])
    majority_fraction = _fraction(in_force[rules.MAJORITY_KEY])

    tallies = []
    for candidate in candidates:
        given = counts.get(candidate.pk, {})
        written_split = {choice: 0 for choice in CHOICES}
        for elector in electors:
            if presence.get(elector.pk) == Elector.Presence.WRITTEN:
                written_split[written_opinions[elector.pk][candidate.pk]] += 1
        tallies.append(
            rules.Tally(
                label=candidate.name,
                yes=int(given.get("yes") or 0),
                no=int(given.get("no") or 0),
                abstain=int(given.get("abstain") or 0),
                written_yes=written_split["yes"],
                written_no=written_split["no"],
                written_abstain=written_split["abstain"],
            )
        )
    try:
        result = rules.evaluate(
            entitled=len(electors),
            present=present,
            written=written,
            tallies=tallies,
            quorum_fraction=quorum_fraction,
            majority_fraction=majority_fraction,
        )
    except rules.VoteArithmeticError as exc:
        raise ValidationError({_field_of(exc.field, candidates): [exc.message]}) from exc

    with transaction.atomic():
        locked = BranchVote.objects.select_for_update().get(pk=vote.pk)
        _require_draft(locked)  # a concurrent recording of the same vote loses here
        by_id = {elector.pk: elector for elector in electors}
        for elector_id, value in presence.items():
            elector = by_id[elector_id]
            elector.presence = value
            elector.written_opinions = (
                {str(k): v for k, v in written_opinions.get(elector_id, {}).items() if k in candidate_ids}
                if value == Elector.Presence.WRITTEN
                else {}
            )
        Elector.objects.bulk_update(list(by_id.values()), ["presence", "written_opinions"])
        for candidate, tally, decided in zip(candidates, tallies, result.candidates, strict=True):
            candidate.outcome = decided.outcome
            if result.quorum:
                candidate.yes, candidate.no, candidate.abstain = tally.yes, tally.no, tally.abstain
        Candidate.objects.bulk_update(candidates, ["outcome", "yes", "no", "abstain"])
        vote.status = BranchVote.Status.RECORDED
        vote.outcome = BranchVote.Outcome.HELD if result.quorum else BranchVote.Outcome.NO_QUORUM
        vote.entitled_count, vote.present_count, vote.written_count = result.entitled, present, written
        vote.rules_applied = {
            key: {"value": rule.value, "citation": rule.citation, "source": rule.source, "title": rule.title}
            for key, rule in in_force.items()
        }
        vote.recorded_by = acting_user if getattr(acting_user, "pk", None) else None
        vote.recorded_at = timezone.now()
        vote.save()
        _audit(
            EVENT_RECORDED,
            actor=acting_user,
            request=request,
            target=vote,
            after={
                "outcome": vote.outcome,
                "entitled": result.entitled,
                "present": present,
                "written": written,
                "candidates": {
                    str(c.dossier_id): {"yes": c.yes, "no": c.no, "abstain": c.abstain, "outcome": c.outcome}
                    for c in candidates
                },
                "rules": {key: rule.value for key, rule in in_force.items()},
            },
        )
        # In the same transaction (the development app's contract): a dossier that refuses the
        # outcome (a blocking guard: publicity, training, sponsors…) rolls the whole record back,
        # and the form says what is missing; a recorded vote always matches its dossiers.
        _tell_dossiers(
            vote=vote,
            candidates=[c for c in candidates if c.outcome in (Candidate.Outcome.PASSED, Candidate.Outcome.FAILED)],
            acting_user=acting_user,
            request=request,
        )
    return vote


def _field_of(field: str, candidates: Sequence[Candidate]) -> str:
    """``candidate-<index>-yes`` from the pure module becomes ``count-<candidate id>-yes``."""
    if field.startswith("candidate-"):
        _prefix, index, name = field.split("-", 2)
        return f"count-{candidates[int(index)].pk}-{name}"
    return field


def _tell_dossiers(
    *, vote: BranchVote, candidates: Iterable[Candidate], acting_user: Any, request: HttpRequest | None
) -> None:
    # Imported here: the development app imports the calendar, and votes call it back.
    from services.development.services import dossier_vote_outcome

    for candidate in candidates:
        if candidate.dossier is None:  # refused before the transaction (vote_record)
            continue
        try:
            dossier_vote_outcome(
                dossier=candidate.dossier,
                kind=vote.kind,
                passed=candidate.outcome == Candidate.Outcome.PASSED,
                meeting_on=vote.meeting_on,
                vote_id=vote.pk,
                acting_user=acting_user,
                request=request,
            )
        except ValidationError as exc:
            prefix = _("%(name)s：") % {"name": candidate.name}
            raise ValidationError({f"candidate-{candidate.pk}": [prefix + m for m in exc.messages]}) from exc


def vote_delete(*, vote: BranchVote, acting_user: Any, request: HttpRequest | None = None) -> None:
    """Delete a draft vote (created by mistake). A recorded vote is the meeting's record: kept."""
    _require_manager(acting_user, vote.branch)
    _require_draft(vote)
    with transaction.atomic():
        _audit(
            EVENT_DELETED,
            actor=acting_user,
            request=request,
            target=vote,
            before={"branch": vote.branch_id, "kind": vote.kind, "meeting_on": vote.meeting_on.isoformat()},
        )
        vote.delete()
