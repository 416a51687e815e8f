"""The vote pages and the API, as a branch secretary on a phone would use them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from services.votes.models import BranchVote, Candidate, Elector
from tests.conftest import client_for, make_user
from tests.votes.conftest import MEETING, Branch, make_dossier

pytestmark = pytest.mark.django_db


def test_a_secretary_creates_a_vote_choosing_branch_kind_and_candidates(branch: Branch, inst_a: Any) -> None:
    target = make_dossier(branch.unit, name="发展对象甲")
    make_dossier(branch.unit, name="积极分子乙", stage="activist")
    client = client_for(inst_a, branch.secretary)
    step1 = client.get(reverse("votes:create"), {"branch": branch.unit.pk, "kind": "admission"})
    body = step1.content.decode()
    assert step1.status_code == 200
    assert "发展对象甲" in body and "积极分子乙" not in body
    response = client.post(
        reverse("votes:create"),
        {
            "branch": branch.unit.pk,
            "kind": "admission",
            "meeting_on": MEETING.isoformat(),
            "host": "书记",
            "recorder": "组织委员",
            "dossiers": [target.pk],
        },
    )
    vote = BranchVote.objects.get(branch=branch.unit)
    assert response.status_code == 302 and response.url == reverse("votes:detail", kwargs={"pk": vote.pk})
    detail = client.get(response.url).content.decode()
    assert "应到会有表决权的正式党员 10 人" in detail
    assert "预备党员，无表决权" in detail
    assert "支部党员大会有表决权的到会人数须超过应到会有表决权人数的比例" in detail  # the rule's title
    assert "votes.quorum_fraction" not in detail  # not its key


def test_recording_counts_that_do_not_add_up_shows_the_error_next_to_the_field(branch: Branch, inst_a: Any) -> None:
    from services.votes.services import vote_create

    vote = vote_create(
        branch=branch.unit,
        kind="admission",
        meeting_on=MEETING,
        host="书记",
        recorder="组织委员",
        dossiers=[make_dossier(branch.unit, name="候选甲")],
        acting_user=branch.secretary,
    )
    candidate = vote.candidates.get()
    electors = list(vote.electors.filter(entitled=True))
    data = {f"presence-{e.pk}": "present" if i < 8 else "absent" for i, e in enumerate(electors)}
    yes, no, abstain = (f"count-{candidate.pk}-{choice}" for choice in ("yes", "no", "abstain"))
    client = client_for(inst_a, branch.secretary)
    bad = client.post(
        reverse("votes:record", kwargs={"pk": vote.pk}),
        {**data, yes: "5", no: "2", abstain: "0"},
    )
    assert bad.status_code == 400
    assert "= 7，应等于实到会有表决权人数 8" in bad.content.decode()
    good = client.post(
        reverse("votes:record", kwargs={"pk": vote.pk}),
        {**data, yes: "5", no: "2", abstain: "1"},
    )
    assert good.status_code == 302
    result = client.get(good.url).content.decode()
    assert "未通过" in result and "至少 6 人" in result and "第二十一条" in result
    assert Candidate.objects.get(pk=candidate.pk).outcome == Candidate.Outcome.FAILED


def test_an_exclusion_from_the_page_lowers_the_count(branch: Branch, inst_a: Any) -> None:
    from services.votes.services import vote_create

    vote = vote_create(
        branch=branch.unit,
        kind="admission",
        meeting_on=MEETING,
        host="书记",
        recorder="组织委员",
        dossiers=[make_dossier(branch.unit, name="候选甲")],
        acting_user=branch.secretary,
    )
    elector = vote.electors.get(member=branch.full[5])
    client = client_for(inst_a, branch.secretary)
    response = client.post(
        reverse("votes:elector_exclude", kwargs={"pk": elector.pk}),
        {"reason": "illness", "approved_by": "院系党委", "approved_on": "2025-06-01", "note": ""},
    )
    assert response.status_code == 302
    assert vote.electors.filter(entitled=True).count() == 9
    assert "应到会有表决权的正式党员 9 人" in client.get(response.url).content.decode()


def test_a_member_outside_the_branch_sees_nothing_and_cannot_create(branch: Branch, inst_a: Any) -> None:
    from services.votes.services import vote_create

    vote = vote_create(
        branch=branch.unit,
        kind="admission",
        meeting_on=MEETING,
        host="书记",
        recorder="组织委员",
        dossiers=[make_dossier(branch.unit, name="候选甲")],
        acting_user=branch.secretary,
    )
    outsider = make_user(inst_a, username="outsider")
    client = client_for(inst_a, outsider)
    assert client.get(reverse("votes:detail", kwargs={"pk": vote.pk})).status_code == 404
    assert client.get(reverse("votes:create")).status_code == 403
    assert "第一党支部" not in client.get(reverse("votes:list")).content.decode()
    assert client.get(reverse("vote-detail", kwargs={"pk": vote.pk})).status_code == 404


def test_the_api_creates_and_records_a_vote(branch: Branch, inst_a: Any) -> None:
    dossier = make_dossier(branch.unit, name="候选甲")
    client = client_for(inst_a, branch.secretary)
    created = client.post(
        reverse("vote-list"),
        json.dumps(
            {
                "branch": branch.unit.pk,
                "kind": "admission",
                "meeting_on": "2025-06-10",
                "host": "书记",
                "recorder": "组织委员",
                "dossiers": [dossier.pk],
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    candidate = body["candidates"][0]["id"]
    entitled = [e["id"] for e in body["electors"] if e["entitled"]]
    assert len(entitled) == 10
    presence = [{"elector": pk, "presence": "present" if i < 6 else "absent"} for i, pk in enumerate(entitled)]
    presence[9] = {"elector": entitled[9], "presence": "written", "opinions": {str(candidate): "no"}}
    bad = client.post(
        reverse("vote-record", kwargs={"pk": body["id"]}),
        json.dumps({"presence": presence, "counts": [{"candidate": candidate, "yes": 3, "no": 3, "abstain": 0}]}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and f"count-{candidate}-abstain" in bad.json()
    good = client.post(
        reverse("vote-record", kwargs={"pk": body["id"]}),
        json.dumps({"presence": presence, "counts": [{"candidate": candidate, "yes": 3, "no": 4, "abstain": 0}]}),
        content_type="application/json",
    )
    assert good.status_code == 200, good.content
    assert good.json()["candidates"][0]["outcome"] == "failed"
    assert good.json()["written_count"] == 1
    assert Elector.objects.get(pk=entitled[9]).written_opinions == {str(candidate): "no"}


def _draft(branch: Branch) -> BranchVote:
    from services.votes.services import vote_create

    return vote_create(
        branch=branch.unit,
        kind="admission",
        meeting_on=MEETING,
        host="书记",
        recorder="组织委员",
        dossiers=[make_dossier(branch.unit, name="候选甲")],
        acting_user=branch.secretary,
    )


def test_the_draft_page_says_which_dossier_guards_would_refuse_a_pass(branch: Branch, inst_a: Any) -> None:
    vote = _draft(branch)
    body = client_for(inst_a, branch.secretary).get(reverse("votes:detail", kwargs={"pk": vote.pk})).content.decode()
    assert "否则无法记录“通过”" in body
    assert "入党介绍人" in body and "公示" in body


def test_a_malformed_override_keeps_the_page_open_and_recording_names_the_rule(branch: Branch, inst_a: Any) -> None:
    from datetime import date

    from services.rule_overrides.models import RuleOverride

    RuleOverride.objects.create(key="votes.quorum_fraction", value="过半", effective_from=date(2025, 1, 1), reason="x")
    vote = _draft(branch)
    client = client_for(inst_a, branch.secretary)
    page = client.get(reverse("votes:detail", kwargs={"pk": vote.pk}))
    assert page.status_code == 200 and "不是分数" in page.content.decode()
    candidate = vote.candidates.get()
    data = {f"presence-{e.pk}": "present" for e in vote.electors.filter(entitled=True)}
    data.update(
        {f"count-{candidate.pk}-yes": "10", f"count-{candidate.pk}-no": "0", f"count-{candidate.pk}-abstain": "0"}
    )
    response = client.post(reverse("votes:record", kwargs={"pk": vote.pk}), data)
    refusal = response.content.decode()
    assert response.status_code == 400 and "规则“支部党员大会有表决权的到会人数" in refusal  # named by its title
    assert "votes.quorum_fraction" not in refusal


def test_the_api_lists_the_dossiers_a_manager_may_put_to_a_vote(branch: Branch, inst_a: Any) -> None:
    make_dossier(branch.unit, name="发展对象甲")
    make_dossier(branch.unit, name="积极分子乙", stage="activist")
    make_dossier(branch.unit, name="预备党员丙", stage="probationary")
    client = client_for(inst_a, branch.secretary)
    rows = client.get(reverse("vote-eligible")).json()["results"]
    assert {(r["name"], r["kind"]) for r in rows} == {("发展对象甲", "admission"), ("预备党员丙", "confirmation")}
    only = client.get(reverse("vote-eligible"), {"kind": "confirmation", "branch": branch.unit.pk}).json()
    assert [r["name"] for r in only["results"]] == ["预备党员丙"]
    outsider = client_for(inst_a, make_user(inst_a, username="outsider2"))
    assert outsider.get(reverse("vote-eligible")).json()["results"] == []


def test_a_meeting_without_quorum_is_recorded_from_the_page_without_counts(branch: Branch, inst_a: Any) -> None:
    vote = _draft(branch)
    electors = list(vote.electors.filter(entitled=True))
    data = {f"presence-{e.pk}": "present" if i < 5 else "absent" for i, e in enumerate(electors)}
    response = client_for(inst_a, branch.secretary).post(reverse("votes:record", kwargs={"pk": vote.pk}), data)
    assert response.status_code == 302
    vote.refresh_from_db()
    assert vote.outcome == BranchVote.Outcome.NO_QUORUM
    assert vote.candidates.get().outcome == Candidate.Outcome.INVALID


def test_a_blank_count_with_a_quorum_fails_the_sum_check(branch: Branch, inst_a: Any) -> None:
    vote = _draft(branch)
    candidate = vote.candidates.get()
    data = {f"presence-{e.pk}": "present" for e in vote.electors.filter(entitled=True)}
    data[f"count-{candidate.pk}-yes"] = "9"
    response = client_for(inst_a, branch.secretary).post(reverse("votes:record", kwargs={"pk": vote.pk}), data)
    assert response.status_code == 400 and "共 10" in response.content.decode()
