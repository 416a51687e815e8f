"""Branch votes through the services: the electorate, exclusions, recording with the rules, the
dossier outcome, and who may do what."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from services.audit.models import AuditEvent
from services.development.models import DossierStep
from services.members.models import Member
from services.votes.inputs import VoteInput
from services.votes.models import BranchVote, Candidate, Elector
from services.votes.services import elector_exclude, elector_include, vote_create, vote_delete, vote_record
from tests.conftest import make_user
from tests.votes.conftest import MEETING, Branch, add_members, make_dossier, ready_for_admission

pytestmark = pytest.mark.django_db


def new_vote(branch: Branch, dossiers: list[Any], kind: str = BranchVote.Kind.ADMISSION) -> BranchVote:
    return vote_create(
        branch=branch.unit,
        kind=kind,
        meeting_on=MEETING,
        host="书记",
        recorder="组织委员",
        dossiers=dossiers,
        acting_user=branch.secretary,
    )


def presence_of(vote: BranchVote, present: int, written: int = 0) -> dict[int, str]:
    """The first ``present`` entitled electors present, the next ``written`` with a written opinion."""
    electors = list(vote.electors.filter(entitled=True).order_by("name", "id"))
    result = {}
    for index, elector in enumerate(electors):
        if index < present:
            result[elector.pk] = Elector.Presence.PRESENT
        elif index < present + written:
            result[elector.pk] = Elector.Presence.WRITTEN
        else:
            result[elector.pk] = Elector.Presence.ABSENT
    return result


def opinions_of(vote: BranchVote, presence: dict[int, str], choice: str = "yes") -> dict[int, dict[int, str]]:
    ids = list(vote.candidates.values_list("pk", flat=True))
    return {pk: {c: choice for c in ids} for pk, value in presence.items() if value == Elector.Presence.WRITTEN}


def record(vote: BranchVote, branch: Branch, present: int, yes: int, no: int, abstain: int, written: int = 0) -> None:
    presence = presence_of(vote, present, written)
    candidate = vote.candidates.get()
    vote_record(
        vote=vote,
        vote_input=VoteInput(
            presence=presence,
            written_opinions=opinions_of(vote, presence),
            counts={candidate.pk: {"yes": yes, "no": no, "abstain": abstain}},
        ),
        acting_user=branch.secretary,
    )


# --- the electorate -------------------------------------------------------------------------------


def test_the_electorate_is_the_full_members_and_probationary_members_never_vote(branch: Branch) -> None:
    vote = new_vote(branch, [make_dossier(branch.unit, name="候选甲")])
    electors = {e.member_id: e for e in vote.electors.all()}
    assert len(electors) == 11
    assert sum(e.entitled for e in electors.values()) == 10
    probationary = electors[branch.probationary[0].pk]
    assert not probationary.entitled and probationary.exclusion == Elector.Exclusion.PROBATIONARY


def test_members_of_other_statuses_are_listed_but_not_entitled_and_departed_ones_not_listed(branch: Branch) -> None:
    abroad = add_members(branch.unit, 1, Member.Status.ABROAD, "出国")[0]
    gone = add_members(branch.unit, 1, Member.Status.TRANSFERRED_OUT, "转出")[0]
    vote = new_vote(branch, [make_dossier(branch.unit, name="候选甲")])
    by_member = {e.member_id: e for e in vote.electors.all()}
    assert by_member[abroad.pk].exclusion == Elector.Exclusion.STATUS and not by_member[abroad.pk].entitled
    assert gone.pk not in by_member


def test_an_approved_exclusion_lowers_the_entitled_count_and_the_thresholds(branch: Branch) -> None:
    vote = new_vote(branch, [make_dossier(branch.unit, name="候选甲")])
    elector = vote.electors.get(member=branch.full[9])
    elector_exclude(
        elector=elector,
        reason=Elector.Exclusion.ABROAD,
        approved_by="院系党委",
        approved_on=date(2025, 6, 1),
        acting_user=branch.secretary,
    )
    assert vote.electors.filter(entitled=True).count() == 9
    # 9 entitled: present 5 is a quorum (it would not be with 10); 4 yes of 9 fails.
    record(vote, branch, present=5, yes=4, no=1, abstain=0)
    vote.refresh_from_db()
    assert vote.outcome == BranchVote.Outcome.HELD and vote.entitled_count == 9
    assert vote.candidates.get().outcome == Candidate.Outcome.FAILED


def test_an_exclusion_needs_an_approver_and_a_date_not_after_the_meeting(branch: Branch) -> None:
    vote = new_vote(branch, [make_dossier(branch.unit, name="候选甲")])
    elector = vote.electors.get(member=branch.full[9])
    with pytest.raises(ValidationError) as raised:
        elector_exclude(
            elector=elector,
            reason="illness",
            approved_by="",
            approved_on=date(2025, 7, 1),
            acting_user=branch.secretary,
        )
    assert set(raised.value.message_dict) == {"approved_by", "approved_on"}


def test_a_probationary_member_cannot_be_excluded_or_included(branch: Branch) -> None:
    vote = new_vote(branch, [make_dossier(branch.unit, name="候选甲")])
    probationary = vote.electors.get(member=branch.probationary[0])
    with pytest.raises(ValidationError, match="本来就不计入"):
        elector_exclude(
            elector=probationary,
            reason="illness",
            approved_by="党委",
            approved_on=MEETING,
            acting_user=branch.secretary,
        )
    with pytest.raises(ValidationError, match="没有表决权"):
        elector_include(elector=probationary, acting_user=branch.secretary)


def test_including_again_undoes_an_approved_exclusion(branch: Branch) -> None:
    vote = new_vote(branch, [make_dossier(branch.unit, name="候选甲")])
    elector = vote.electors.get(member=branch.full[9])
    elector_exclude(
        elector=elector,
        reason="away",
        approved_by="党委",
        approved_on=MEETING,
        acting_user=branch.secretary,
    )
    elector_include(elector=elector, acting_user=branch.secretary)
    elector.refresh_from_db()
    assert elector.entitled and elector.exclusion == "" and elector.exclusion_approved_by == ""


# --- creating -------------------------------------------------------------------------------------


def test_only_development_targets_can_be_voted_for_admission(branch: Branch) -> None:
    activist = make_dossier(branch.unit, name="积极分子甲", stage="activist")
    with pytest.raises(ValidationError) as raised:
        new_vote(branch, [activist])
    assert "不能进行“接收预备党员”表决" in raised.value.message_dict["dossiers"][0]


def test_only_probationary_dossiers_can_be_voted_for_confirmation(branch: Branch) -> None:
    target = make_dossier(branch.unit, name="发展对象甲")
    with pytest.raises(ValidationError):
        new_vote(branch, [target], kind=BranchVote.Kind.CONFIRMATION)


def test_a_member_who_does_not_manage_the_branch_cannot_create_a_vote(branch: Branch, inst_a: Any) -> None:
    plain = make_user(inst_a, username="plain_member")
    with pytest.raises(PermissionDenied):
        vote_create(
            branch=branch.unit,
            kind="admission",
            meeting_on=MEETING,
            host="a",
            recorder="b",
            dossiers=[make_dossier(branch.unit, name="候选甲")],
            acting_user=plain,
        )


# --- recording ------------------------------------------------------------------------------------


def test_present_6_of_10_is_a_quorum_and_yes_6_passes_a_failed_candidate_keeps_its_stage(branch: Branch) -> None:
    passing, failing = make_dossier(branch.unit, name="候选甲"), make_dossier(branch.unit, name="候选乙")
    vote = new_vote(branch, [passing, failing])
    presence = presence_of(vote, 6)
    first, second = vote.candidates.order_by("sort_order")
    # The passing candidate would need its dossier's guards: vote only the failing one passed=False.
    with pytest.raises(ValidationError) as raised:
        vote_record(
            vote=vote,
            vote_input=VoteInput(
                presence=presence,
                counts={first.pk: {"yes": 6, "no": 0, "abstain": 0}, second.pk: {"yes": 5, "no": 1, "abstain": 0}},
            ),
            acting_user=branch.secretary,
        )
    # A passed admission whose dossier lacks sponsors, training, publicity… is refused and nothing is recorded.
    assert f"candidate-{first.pk}" in raised.value.message_dict
    assert "候选甲" in raised.value.message_dict[f"candidate-{first.pk}"][0]
    vote.refresh_from_db()
    assert vote.status == BranchVote.Status.DRAFT
    assert not DossierStep.objects.filter(dossier=failing).exists()


def test_yes_5_of_10_exactly_half_fails_and_the_dossier_records_the_failed_meeting(branch: Branch) -> None:
    dossier = make_dossier(branch.unit, name="候选甲")
    vote = new_vote(branch, [dossier])
    record(vote, branch, present=8, yes=5, no=2, abstain=1)
    vote.refresh_from_db()
    candidate = vote.candidates.get()
    assert vote.status == BranchVote.Status.RECORDED and vote.outcome == BranchVote.Outcome.HELD
    assert candidate.outcome == Candidate.Outcome.FAILED and candidate.yes == 5
    dossier.refresh_from_db()
    assert dossier.stage == "target"
    assert DossierStep.objects.filter(dossier=dossier, code="admission_meeting").exists()
    assert AuditEvent.objects.filter(event="vote.recorded", object_id=str(vote.pk)).exists()


def test_present_5_of_10_exactly_half_makes_the_meeting_invalid_and_decides_nobody(branch: Branch) -> None:
    dossier = make_dossier(branch.unit, name="候选甲")
    vote = new_vote(branch, [dossier])
    record(vote, branch, present=5, yes=5, no=0, abstain=0)
    vote.refresh_from_db()
    assert vote.outcome == BranchVote.Outcome.NO_QUORUM
    assert vote.candidates.get().outcome == Candidate.Outcome.INVALID
    assert not DossierStep.objects.filter(dossier=dossier).exists()


def test_written_opinions_count_toward_the_majority_but_not_toward_presence(branch: Branch) -> None:
    dossier = make_dossier(branch.unit, name="候选甲")
    vote = new_vote(branch, [dossier])
    # 5 present + 3 written: still no quorum.
    record(vote, branch, present=5, written=3, yes=8, no=0, abstain=0)
    vote.refresh_from_db()
    assert vote.outcome == BranchVote.Outcome.NO_QUORUM and vote.written_count == 3


def test_counts_that_do_not_add_up_are_refused_naming_the_field(branch: Branch) -> None:
    vote = new_vote(branch, [make_dossier(branch.unit, name="候选甲")])
    candidate = vote.candidates.get()
    with pytest.raises(ValidationError) as raised:
        record(vote, branch, present=7, yes=4, no=2, abstain=0)
    message = raised.value.message_dict[f"count-{candidate.pk}-abstain"][0]
    assert "赞成 4 + 反对 2 + 弃权 0 = 6" in message and "共 7" in message
    vote.refresh_from_db()
    assert vote.status == BranchVote.Status.DRAFT


def test_more_ballots_than_voters_are_refused(branch: Branch) -> None:
    vote = new_vote(branch, [make_dossier(branch.unit, name="候选甲")])
    candidate = vote.candidates.get()
    with pytest.raises(ValidationError) as raised:
        record(vote, branch, present=6, yes=5, no=1, abstain=1)
    assert f"count-{candidate.pk}-yes" in raised.value.message_dict


def test_every_entitled_elector_needs_a_presence_and_written_ones_an_opinion(branch: Branch) -> None:
    vote = new_vote(branch, [make_dossier(branch.unit, name="候选甲")])
    candidate = vote.candidates.get()
    presence = presence_of(vote, 6, written=1)
    missing_one = dict(list(presence.items())[:-1])
    with pytest.raises(ValidationError) as raised:
        vote_record(
            vote=vote,
            vote_input=VoteInput(
                presence=missing_one,
                counts={candidate.pk: {"yes": 7, "no": 0, "abstain": 0}},
            ),
            acting_user=branch.secretary,
        )
    keys = set(raised.value.message_dict)
    assert any(k.startswith("presence-") for k in keys)
    assert any(k.startswith("opinion-") for k in keys)


def test_a_written_no_cannot_hide_in_the_yes_count(branch: Branch) -> None:
    vote = new_vote(branch, [make_dossier(branch.unit, name="候选甲")])
    candidate = vote.candidates.get()
    presence = presence_of(vote, 6, written=1)
    with pytest.raises(ValidationError) as raised:
        vote_record(
            vote=vote,
            vote_input=VoteInput(
                presence=presence,
                written_opinions=opinions_of(vote, presence, "no"),
                counts={candidate.pk: {"yes": 7, "no": 0, "abstain": 0}},
            ),
            acting_user=branch.secretary,
        )
    assert f"count-{candidate.pk}-no" in raised.value.message_dict


def test_a_recorded_vote_cannot_be_recorded_again_or_deleted(branch: Branch) -> None:
    vote = new_vote(branch, [make_dossier(branch.unit, name="候选甲")])
    record(vote, branch, present=5, yes=0, no=0, abstain=5)
    vote.refresh_from_db()
    with pytest.raises(ValidationError, match="已经记录"):
        record(vote, branch, present=8, yes=5, no=3, abstain=0)
    with pytest.raises(ValidationError, match="已经记录"):
        vote_delete(vote=vote, acting_user=branch.secretary)


def test_a_draft_can_be_deleted_by_its_manager(branch: Branch) -> None:
    vote = new_vote(branch, [make_dossier(branch.unit, name="候选甲")])
    vote_delete(vote=vote, acting_user=branch.secretary)
    assert not BranchVote.objects.filter(pk=vote.pk).exists()


def test_the_rules_in_force_on_the_meeting_date_are_recorded_with_their_citations(branch: Branch) -> None:
    vote = new_vote(branch, [make_dossier(branch.unit, name="候选甲")])
    record(vote, branch, present=8, yes=5, no=3, abstain=0)
    vote.refresh_from_db()
    quorum = vote.rules_applied["votes.quorum_fraction"]
    assert quorum["value"] == "1/2" and "第二十条" in quorum["citation"]
    assert "第二十一条" in vote.rules_applied["votes.majority_fraction"]["citation"]


def test_an_institution_override_of_the_majority_applies(branch: Branch) -> None:
    from services.rule_overrides.models import RuleOverride

    RuleOverride.objects.create(
        key="votes.majority_fraction", value="2/3", effective_from=date(2025, 1, 1), reason="本校从严"
    )
    vote = new_vote(branch, [make_dossier(branch.unit, name="候选甲")])
    # 10 entitled: 6 yes is more than half but not more than two thirds (needs 7): fails.
    record(vote, branch, present=8, yes=6, no=2, abstain=0)
    assert vote.candidates.get().outcome == Candidate.Outcome.FAILED


# --- end to end: confirmation advances the dossier and the member record --------------------------


def confirmable(branch: Branch) -> Any:
    """A probationary member admitted on 2024-06-03, approved within 3 months, who has applied."""
    member = add_members(branch.unit, 1, Member.Status.PROBATIONARY, "转正")[0]
    dossier = make_dossier(
        branch.unit,
        name=member.name,
        stage="probationary",
        admitted_on=date(2024, 6, 3),
        probation_ends_on=date(2025, 6, 3),
        member=member,
    )
    for code, title, on in (
        ("approval", "上级党委审批", date(2024, 7, 1)),
        ("confirmation_application", "提出转正申请", date(2025, 5, 6)),
    ):
        DossierStep.objects.create(
            dossier=dossier, code=code, title=title, occurred_on=on, review=DossierStep.Review.APPROVED
        )
    return dossier


def test_a_passed_confirmation_makes_the_member_full_and_the_dossier_full(branch: Branch) -> None:
    dossier = confirmable(branch)
    vote = new_vote(branch, [dossier], kind=BranchVote.Kind.CONFIRMATION)
    # The candidate is probationary: on the roll, not entitled (10 entitled).
    assert vote.electors.filter(member=dossier.member, entitled=False).exists()
    record(vote, branch, present=7, written=1, yes=7, no=1, abstain=0)
    dossier.refresh_from_db()
    assert vote.candidates.get().outcome == Candidate.Outcome.PASSED
    assert dossier.stage == "full" and dossier.confirmation_vote_id == vote.pk
    assert Member.objects.get(pk=dossier.member_id).status == Member.Status.NORMAL


def test_demo_data_adds_one_draft_vote_after_the_development_demo_and_is_idempotent(inst_a: Any) -> None:
    import random

    from services.development.demo_data import seed_institution as seed_development
    from services.organization.models import Position
    from services.votes.demo_data import seed_institution
    from tests.conftest import in_schema
    from tests.factories import OrgUnitFactory

    with in_schema(inst_a):
        unit = OrgUnitFactory(name="演示支部")
        members = add_members(unit, 6)
        members[0].user = make_user(inst_a, username="secretary")
        members[0].save(update_fields=["user"])
        Position.objects.create(member=members[0], unit=unit, kind=Position.Kind.SECRETARY, started_on=date(2024, 1, 1))
        seed_development(institution=inst_a, rng=random.Random(0))
        seed_institution(institution=inst_a, rng=random.Random(0))
        seed_institution(institution=inst_a, rng=random.Random(0))
        vote = BranchVote.objects.get(branch=unit)
        assert vote.status == BranchVote.Status.DRAFT and 1 <= vote.candidates.count() <= 3
        assert all(c.dossier.stage == "target" for c in vote.candidates.all())
        # The development demo adds member records (full and probationary) to the branch too.
        full = Member.objects.filter(branch=unit, status=Member.Status.NORMAL).count()
        assert vote.electors.filter(entitled=True).count() == full >= 6


def test_a_passed_admission_makes_the_target_a_probationary_member_of_the_branch(branch: Branch) -> None:
    dossier = ready_for_admission(branch.unit, branch.full[1:3], name="候选甲")
    vote = new_vote(branch, [dossier])
    record(vote, branch, present=6, yes=6, no=0, abstain=0)
    dossier.refresh_from_db()
    assert vote.candidates.get().outcome == Candidate.Outcome.PASSED
    assert dossier.stage == "probationary" and dossier.admitted_on == MEETING and dossier.admission_vote_id == vote.pk
    member = Member.objects.get(pk=dossier.member_id)
    assert member.status == Member.Status.PROBATIONARY and member.branch_id == branch.unit.pk


def test_each_candidate_separately_one_passes_one_fails_in_the_same_meeting(branch: Branch) -> None:
    ready = ready_for_admission(branch.unit, branch.full[1:3], name="候选甲")
    other = make_dossier(branch.unit, name="候选乙")
    vote = new_vote(branch, [ready, other])
    first, second = vote.candidates.order_by("sort_order")
    vote_record(
        vote=vote,
        vote_input=VoteInput(
            presence=presence_of(vote, 7),
            counts={first.pk: {"yes": 7, "no": 0, "abstain": 0}, second.pk: {"yes": 3, "no": 3, "abstain": 1}},
        ),
        acting_user=branch.secretary,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.outcome, second.outcome) == (Candidate.Outcome.PASSED, Candidate.Outcome.FAILED)
    ready.refresh_from_db()
    other.refresh_from_db()
    assert (ready.stage, other.stage) == ("probationary", "target")


def test_the_record_outlives_a_member_and_a_dossier_that_leave(branch: Branch) -> None:
    from services.development.models import Dossier

    dossier = make_dossier(branch.unit, name="候选甲")
    vote = new_vote(branch, [dossier])
    record(vote, branch, present=8, yes=5, no=3, abstain=0)
    leaving = branch.full[9]
    Member.objects.filter(pk=leaving.pk).delete()
    Dossier.objects.filter(pk=dossier.pk).delete()
    vote.refresh_from_db()
    assert vote.electors.filter(member__isnull=True, name=leaving.name).exists()
    assert vote.candidates.get().name == "候选甲" and vote.candidates.get().yes == 5


def test_a_draft_whose_dossier_left_cannot_be_recorded(branch: Branch) -> None:
    from services.development.models import Dossier

    dossier = make_dossier(branch.unit, name="候选甲")
    vote = new_vote(branch, [dossier])
    Dossier.objects.filter(pk=dossier.pk).delete()
    with pytest.raises(ValidationError, match="已不在本校"):
        record(vote, branch, present=8, yes=5, no=3, abstain=0)
