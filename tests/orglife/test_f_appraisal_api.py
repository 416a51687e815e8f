"""The 民主评议 API: list and detail as the pages show them (a member: their own self-assessment
and the ratings they gave, never anyone's received ratings; the branch committee: the counts),
opening (managers), self-assessment, ratings, the committee's conclusion — refusals in Chinese."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from services.members.models import AppraisalResult, Member
from services.orglife.models import Appraisal, PeerRating
from tenants.models import Institution
from tests.conftest import client_for, make_user

from .conftest import Branch
from .test_e_appraisal import open_appraisal, subject_id

pytestmark = pytest.mark.django_db


def send(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def said(response: Any) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def client_of(inst: Institution, member: Member) -> Any:
    member.user = make_user(inst, username=f"apf_{member.pk}")
    member.save(update_fields=["user"])
    return client_for(inst, member.user)


def url(name: str, appraisal: Appraisal) -> str:
    return reverse(f"orglife-appraisal-{name}", kwargs={"pk": appraisal.pk})


def test_a_manager_opens_one_and_a_member_cannot(branch: Branch, inst_a: Institution) -> None:
    closes = (timezone.localdate() + timedelta(days=7)).isoformat()
    body = {"branch": branch.unit.pk, "year": 2026, "rating_closes_on": closes}
    member = client_of(inst_a, branch.members[5])
    refused = send(member, reverse("orglife-appraisal-list"), body)
    assert refused.status_code == 403 and "组织民主评议" in said(refused)
    secretary = client_for(inst_a, branch.secretary)
    assert send(secretary, reverse("orglife-appraisal-list")).status_code == 400
    opened = send(secretary, reverse("orglife-appraisal-list"), body)
    assert opened.status_code == 201, opened.json()
    assert len(opened.json()["subjects"]) == len(branch.members + branch.probationary)
    again = send(secretary, reverse("orglife-appraisal-list"), body)
    assert again.status_code == 400 and "已经开始" in said(again)
    listed = member.get(reverse("orglife-appraisal-list")).json()
    assert [row["id"] for row in listed["results"]] == [opened.json()["appraisal"]["id"]]


def test_a_member_sees_only_their_own_ratings(branch: Branch, inst_a: Institution) -> None:
    appraisal = open_appraisal(branch)
    rater, rated = client_of(inst_a, branch.members[4]), client_of(inst_a, branch.members[5])
    target = subject_id(appraisal, branch.members[5])
    given = send(rater, url("ratings", appraisal), {"grades": {str(target): "excellent"}})
    assert given.status_code == 200, given.json()
    assert given.json()["ratings"] == {str(target): "excellent"}
    seen = rated.get(url("detail", appraisal)).json()
    assert seen["tallies"] is None and seen["mine"]["ratings"] == {}
    assert "excellent" not in json.dumps(seen)
    committee = client_for(inst_a, branch.secretary).get(url("detail", appraisal)).json()
    row = next(r for r in committee["tallies"] if r["subject"] == target)
    assert row["counts"]["excellent"] == 1 and row["rated_by"] == 1 and row["suggested"] == "excellent"


def test_self_assessment_and_rating_refusals(branch: Branch, inst_a: Institution) -> None:
    appraisal = open_appraisal(branch)
    member = client_of(inst_a, branch.members[4])
    empty = send(member, url("self-assessment", appraisal))
    assert empty.status_code == 400 and "请填写个人自评" in said(empty)
    done = send(member, url("self-assessment", appraisal), {"self_assessment": " 按时交纳党费。 "})
    assert done.status_code == 200 and done.json()["self_assessment"] == "按时交纳党费。"
    me = subject_id(appraisal, branch.members[4])
    myself = send(member, url("ratings", appraisal), {"grades": {str(me): "excellent"}})
    assert myself.status_code == 400 and "不能评议自己" in said(myself)
    assert send(member, url("ratings", appraisal), {"grades": {"x": "excellent"}}).status_code == 400
    assert send(member, url("ratings", appraisal), {"grades": {str(me + 1): "superb"}}).status_code == 400
    assert not PeerRating.objects.exists()
    outsider = client_for(inst_a, make_user(inst_a, username="apf_stranger"))
    assert outsider.get(url("detail", appraisal)).status_code == 404
    assert send(outsider, url("self-assessment", appraisal), {"self_assessment": "x"}).status_code == 404


def test_only_the_committee_concludes(branch: Branch, inst_a: Institution) -> None:
    appraisal = open_appraisal(branch)
    member = client_of(inst_a, branch.members[5])
    refused = send(member, url("conclude", appraisal), {"concluded_on": "2026-12-01", "conclusions": []})
    assert refused.status_code == 403 and "仅支部委员会可见" in said(refused)
    secretary = client_for(inst_a, branch.secretary)
    missing = send(secretary, url("conclude", appraisal), {"concluded_on": "2026-12-01", "conclusions": []})
    assert missing.status_code == 400 and "请为以下党员选择评议结果" in said(missing)
    everyone = [{"subject": s.pk, "grade": "qualified"} for s in appraisal.subjects.all()]
    done = send(secretary, url("conclude", appraisal), {"concluded_on": "2026-12-01", "conclusions": everyone})
    assert done.status_code == 200, done.json()
    assert done.json()["appraisal"]["status"] == Appraisal.Status.CONCLUDED
    assert AppraisalResult.objects.filter(member=branch.members[5], grade="qualified").exists()
    late = send(member, url("self-assessment", appraisal), {"self_assessment": "补交"})
    assert late.status_code == 400 and "已作出结论" in said(late)


def test_the_routes_are_in_the_schema(branch: Branch, inst_a: Institution) -> None:
    paths = json.loads(client_for(inst_a, branch.secretary).get("/api/schema/", {"format": "json"}).content)["paths"]
    for path in (
        "/api/orglife/appraisals/",
        "/api/orglife/appraisals/{id}/",
        "/api/orglife/appraisals/{id}/self/",
        "/api/orglife/appraisals/{id}/ratings/",
        "/api/orglife/appraisals/{id}/conclude/",
    ):
        assert path in paths, path
