"""A meeting that has not happened has no result (issue 9, reproduction 10: the demo vote dated
2026-12-13 was recorded on 2026-12-04 as held; a vote dated 2027-03-15 was recorded as passed,
moved the dossier on and created a member who joined on 2027-03-15).

Planning a vote for a later date stays allowed; recording its presence, counts and outcome is
refused until the meeting date, through the service, the page and the API alike."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from services.development.models import Dossier
from services.members.models import Member
from services.votes.inputs import VoteInput
from services.votes.models import BranchVote, Candidate
from services.votes.services import vote_create, vote_record
from tests.conftest import client_for
from tests.votes.conftest import Branch, ready_for_admission

pytestmark = pytest.mark.django_db

NOT_HELD = "会议还没有召开"


def planned_vote(branch: Branch, *, days_ahead: int) -> BranchVote:
    dossier = ready_for_admission(branch.unit, branch.full[1:3], name="候选甲")
    return vote_create(
        branch=branch.unit,
        kind=BranchVote.Kind.ADMISSION,
        meeting_on=timezone.localdate() + timedelta(days=days_ahead),
        host="书记",
        recorder="组织委员",
        dossiers=[dossier],
        acting_user=branch.secretary,
    )


def everyone_present_all_yes(vote: BranchVote) -> dict[str, Any]:
    electors = list(vote.electors.filter(entitled=True))
    return {
        "presence": {elector.pk: "present" for elector in electors},
        "counts": {c.pk: {"yes": len(electors), "no": 0, "abstain": 0} for c in vote.candidates.all()},
    }


def assert_nothing_recorded(vote: BranchVote, members_before: int) -> None:
    vote.refresh_from_db()
    candidate = vote.candidates.get()
    assert vote.status == BranchVote.Status.DRAFT and vote.outcome == ""
    assert candidate.outcome == "" and candidate.yes is None
    assert Dossier.objects.get(pk=candidate.dossier_id).stage == "target"
    assert Member.objects.count() == members_before
    assert not vote.electors.exclude(presence="").exists()


def test_a_vote_dated_tomorrow_can_be_planned_but_its_outcome_is_refused(branch: Branch) -> None:
    vote = planned_vote(branch, days_ahead=1)
    members_before = Member.objects.count()
    with pytest.raises(ValidationError) as refused:
        vote_record(vote=vote, acting_user=branch.secretary, vote_input=VoteInput(**everyone_present_all_yes(vote)))
    assert NOT_HELD in " ".join(refused.value.messages)
    assert vote.meeting_on.isoformat() in " ".join(refused.value.messages)
    assert_nothing_recorded(vote, members_before)


def test_a_vote_dated_today_is_recorded_and_admits_on_the_meeting_date(branch: Branch) -> None:
    vote = planned_vote(branch, days_ahead=0)
    vote_record(vote=vote, acting_user=branch.secretary, vote_input=VoteInput(**everyone_present_all_yes(vote)))
    candidate = vote.candidates.get()
    assert candidate.outcome == Candidate.Outcome.PASSED
    dossier = Dossier.objects.get(pk=candidate.dossier_id)
    assert dossier.stage == "probationary" and dossier.admitted_on == timezone.localdate()
    assert Member.objects.get(pk=dossier.member_id).joined_on == timezone.localdate()


def test_the_record_page_of_a_future_meeting_says_when_and_records_nothing(branch: Branch, inst_a: Any) -> None:
    vote = planned_vote(branch, days_ahead=9)
    members_before = Member.objects.count()
    client = client_for(inst_a, branch.secretary)
    detail = client.get(reverse("votes:detail", kwargs={"pk": vote.pk})).content.decode()
    assert "会后才能登记" in detail
    assert reverse("votes:record", kwargs={"pk": vote.pk}) not in detail
    data = everyone_present_all_yes(vote)
    candidate = vote.candidates.get()
    form = {f"presence-{pk}": value for pk, value in data["presence"].items()}
    form.update({f"count-{candidate.pk}-{choice}": str(n) for choice, n in data["counts"][candidate.pk].items()})
    response = client.post(reverse("votes:record", kwargs={"pk": vote.pk}), form, follow=True)
    assert response.redirect_chain[-1][0] == reverse("votes:detail", kwargs={"pk": vote.pk})
    assert NOT_HELD in response.content.decode()
    assert_nothing_recorded(vote, members_before)


def test_the_api_refuses_the_outcome_of_a_future_meeting_in_chinese(branch: Branch, inst_a: Any) -> None:
    vote = planned_vote(branch, days_ahead=101)
    members_before = Member.objects.count()
    data = everyone_present_all_yes(vote)
    body = {
        "presence": [{"elector": pk, "presence": value} for pk, value in data["presence"].items()],
        "counts": [{"candidate": pk, **counts} for pk, counts in data["counts"].items()],
    }
    response = client_for(inst_a, branch.secretary).post(
        reverse("vote-record", kwargs={"pk": vote.pk}), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert NOT_HELD in json.dumps(response.json(), ensure_ascii=False)
    assert_nothing_recorded(vote, members_before)


def test_the_demo_plans_its_vote_and_records_no_result(inst_a: Any) -> None:
    """The demo's draft vote is a meeting still to come: a draft, which cannot be recorded today."""
    import random

    from services.development.demo_data import seed_institution as seed_development
    from services.organization.models import Position
    from services.votes.demo_data import seed_institution
    from tests.conftest import in_schema, make_user
    from tests.factories import OrgUnitFactory
    from tests.votes.conftest import add_members

    with in_schema(inst_a):
        unit = OrgUnitFactory(name="演示支部")
        members = add_members(unit, 6)
        members[0].user = make_user(inst_a, username="secretary")
        members[0].save(update_fields=["user"])
        Position.objects.create(
            member=members[0], unit=unit, kind=Position.Kind.SECRETARY, started_on=timezone.localdate()
        )
        seed_development(institution=inst_a, rng=random.Random(3))
        seed_institution(institution=inst_a, rng=random.Random(3))
        assert not BranchVote.objects.filter(status=BranchVote.Status.RECORDED).exists()
        vote = BranchVote.objects.get(branch=unit)
        assert vote.meeting_on > timezone.localdate()
        with pytest.raises(ValidationError) as refused:
            vote_record(vote=vote, acting_user=members[0].user, vote_input=VoteInput(**everyone_present_all_yes(vote)))
        assert NOT_HELD in " ".join(refused.value.messages)
