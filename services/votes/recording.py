"""Recording a branch member meeting: presence, written opinions, counts, the outcome computed by
``counting.evaluate`` with the rules in force on the meeting date, and each decided dossier told in the
same transaction. Re-exported by services.py.

A meeting that has not happened has no result: a vote dated after today can be created (planned)
and its electorate adjusted, but its presence, counts and outcome are refused until the meeting
date (``meeting_held``). This is the one place an outcome is recorded, for the pages and the API.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.rules.resolver import RuleValue

from . import counting
from .common import CHOICES, EVENT_RECORDED, _audit, _fraction, _require_draft, _require_manager, vote_rules
from .inputs import VoteInput, candidate_key, count_key, opinion_key, presence_key
from .models import BranchVote, Candidate, Elector


def meeting_held(vote: BranchVote, *, today: date | None = None) -> bool:
    """Has the meeting's date come (today or earlier, in the institution's time zone)?"""
    return vote.meeting_on <= (today or timezone.localdate())


def not_held_message(vote: BranchVote) -> str:
    return _("会议日期是 %(day)s，会议还没有召开：召开后才能登记到会情况和表决结果。") % {
        "day": vote.meeting_on.isoformat()
    }


def _require_held(vote: BranchVote) -> None:
    if not meeting_held(vote):
        raise ValidationError({"meeting_on": [not_held_message(vote)]})


def vote_record(*, vote: BranchVote, vote_input: VoteInput, acting_user: Any) -> BranchVote:
    """Record the meeting (``vote_input``, read by the page's form or the API's serializer):
    presence of each entitled elector (present / written / absent), each written opinion per
    candidate (yes / no / abstain), and each candidate's counts (yes, no, abstain — written
    opinions included).

    Rules: quorum ``votes.quorum_fraction`` (present > 1/2 of the entitled, 细则第二十条), majority
    ``votes.majority_fraction`` (yes > 1/2 of the entitled full members, written opinions counted,
    细则第二十一条; confirmation the same, 第三十三条). The numbers must add up (``counting.evaluate``);
    a ``ValidationError`` names the wrong part of the input (``inputs.presence_key`` …). Without a
    quorum the meeting is recorded as invalid and no candidate is decided. Each passed or failed
    candidate's dossier is told in the same transaction
    (``services.development.services.dossier_vote_outcome``, which advances it or refuses with the
    guard that blocks; a refusal rolls the record back). A meeting dated after today is refused
    (``meeting_held``): nothing is recorded before the meeting has taken place."""
    _require_manager(acting_user, vote.branch)
    _require_draft(vote)
    _require_held(vote)
    electors = list(vote.electors.filter(entitled=True))
    candidates = list(vote.candidates.all())
    _require_complete(vote_input, electors=electors, candidates=candidates)
    in_force = vote_rules(on=vote.meeting_on)
    quorum_fraction = _fraction(in_force[counting.QUORUM_KEY])
    majority_fraction = _fraction(in_force[counting.MAJORITY_KEY])
    tallies = _tallies(vote_input, electors=electors, candidates=candidates)
    result = _evaluate(
        vote_input,
        electors=electors,
        candidates=candidates,
        tallies=tallies,
        quorum_fraction=quorum_fraction,
        majority_fraction=majority_fraction,
    )
    with transaction.atomic():
        locked = BranchVote.objects.select_for_update().get(pk=vote.pk)
        _require_draft(locked)  # a concurrent recording of the same vote loses here
        _write_presence(vote_input, electors=electors, candidates=candidates)
        _write_outcomes(candidates, tallies=tallies, result=result)
        _write_vote(vote, result=result, in_force=in_force, acting_user=acting_user)
        _audit(
            EVENT_RECORDED,
            actor=acting_user,
            target=vote,
            after={
                "outcome": vote.outcome,
                "entitled": result.entitled,
                "present": result.present,
                "written": result.written,
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
        )
    return vote


def _require_complete(vote_input: VoteInput, *, electors: list[Elector], candidates: list[Candidate]) -> None:
    """Every entitled elector's presence, every written opinion, and no one off the electorate;
    every candidate still with its dossier. All that is missing is said at once."""
    errors: dict[str, list[str]] = {}
    for elector in electors:
        value = vote_input.presence.get(elector.pk, "")
        if value not in Elector.Presence.values:
            errors.setdefault(presence_key(elector.pk), []).append(
                _("请登记 %(name)s 的到会情况。") % {"name": elector.name}
            )
        elif value == Elector.Presence.WRITTEN:
            opinions = vote_input.written_opinions.get(elector.pk, {})
            for candidate in candidates:
                if opinions.get(candidate.pk) not in CHOICES:
                    errors.setdefault(opinion_key(elector.pk, candidate.pk), []).append(
                        _("请登记 %(name)s 对 %(candidate)s 的书面意见（赞成、反对或弃权）。")
                        % {"name": elector.name, "candidate": candidate.name}
                    )
    for candidate in candidates:
        if candidate.dossier_id is None:
            errors.setdefault(candidate_key(candidate.pk), []).append(
                _("%(name)s 的发展档案已不在本校（可能已转出），请删除这次表决后重新创建。") % {"name": candidate.name}
            )
    if set(vote_input.presence) - {elector.pk for elector in electors}:
        errors.setdefault("presence", []).append(_("到会登记中有不在有表决权名单上的人。"))
    if errors:
        raise ValidationError(errors)


def _tallies(vote_input: VoteInput, *, electors: list[Elector], candidates: list[Candidate]) -> list[counting.Tally]:
    """Each candidate's counts, with the part of each that came from written opinions."""
    written = [e.pk for e in electors if vote_input.presence.get(e.pk) == Elector.Presence.WRITTEN]
    tallies = []
    for candidate in candidates:
        given = vote_input.counts.get(candidate.pk, {})
        written_split = {choice: 0 for choice in CHOICES}
        for elector_id in written:
            written_split[vote_input.written_opinions[elector_id][candidate.pk]] += 1
        tallies.append(
            counting.Tally(
                label=candidate.name,
                yes=int(given.get("yes") or 0),
                no=int(given.get("no") or 0),
                abstain=int(given.get("abstain") or 0),
                written_yes=written_split["yes"],
                written_no=written_split["no"],
                written_abstain=written_split["abstain"],
            )
        )
    return tallies


def _evaluate(
    vote_input: VoteInput,
    *,
    electors: list[Elector],
    candidates: list[Candidate],
    tallies: list[counting.Tally],
    quorum_fraction: Fraction,
    majority_fraction: Fraction,
) -> counting.MeetingResult:
    """The arithmetic (``counting.evaluate``) with the rules in force on the meeting date; a number
    that does not add up is refused under the name of the part of the input it is about."""
    presence = list(vote_input.presence.values())
    try:
        return counting.evaluate(
            entitled=len(electors),
            present=presence.count(Elector.Presence.PRESENT),
            written=presence.count(Elector.Presence.WRITTEN),
            tallies=tallies,
            quorum_fraction=quorum_fraction,
            majority_fraction=majority_fraction,
        )
    except counting.VoteArithmeticError as exc:
        raise ValidationError({_field_of(exc.field, candidates): [exc.message]}) from exc


def _write_presence(vote_input: VoteInput, *, electors: list[Elector], candidates: list[Candidate]) -> None:
    candidate_ids = {candidate.pk for candidate in candidates}
    by_id = {elector.pk: elector for elector in electors}
    for elector_id, value in vote_input.presence.items():
        elector = by_id[elector_id]
        elector.presence = value
        elector.written_opinions = (
            {str(k): v for k, v in vote_input.written_opinions.get(elector_id, {}).items() if k in candidate_ids}
            if value == Elector.Presence.WRITTEN
            else {}
        )
    Elector.objects.bulk_update(list(by_id.values()), ["presence", "written_opinions"])


def _write_outcomes(
    candidates: list[Candidate], *, tallies: list[counting.Tally], result: counting.MeetingResult
) -> None:
    """Each candidate's outcome; its counts only if the meeting had a quorum (else none were valid)."""
    for candidate, tally, decided in zip(candidates, tallies, result.candidates, strict=True):
        candidate.outcome = decided.outcome
        if result.quorum:
            candidate.yes, candidate.no, candidate.abstain = tally.yes, tally.no, tally.abstain
    Candidate.objects.bulk_update(candidates, ["outcome", "yes", "no", "abstain"])


def _write_vote(
    vote: BranchVote, *, result: counting.MeetingResult, in_force: dict[str, RuleValue], acting_user: Any
) -> None:
    """The meeting's outcome, its numbers and the rules it was decided by (as they were that day)."""
    vote.status = BranchVote.Status.RECORDED
    vote.outcome = BranchVote.Outcome.HELD if result.quorum else BranchVote.Outcome.NO_QUORUM
    vote.entitled_count, vote.present_count, vote.written_count = result.entitled, result.present, result.written
    vote.rules_applied = {
        key: {"value": rule.value, "citation": rule.citation, "source": rule.source, "title": rule.title}
        for key, rule in in_force.items()
    }
    vote.recorded_by = acting_user if getattr(acting_user, "pk", None) else None
    vote.recorded_at = timezone.now()
    vote.save()


def _field_of(field: str, candidates: Sequence[Candidate]) -> str:
    """``candidate-<index>-yes`` from the pure module becomes ``count-<candidate id>-yes``."""
    if field.startswith("candidate-"):
        _prefix, index, name = field.split("-", 2)
        return count_key(candidates[int(index)].pk, name)
    return field


def _tell_dossiers(*, vote: BranchVote, candidates: Iterable[Candidate], acting_user: Any) -> None:
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
            )
        except ValidationError as exc:
            prefix = _("%(name)s：") % {"name": candidate.name}
            raise ValidationError({candidate_key(candidate.pk): [prefix + m for m in exc.messages]}) from exc
