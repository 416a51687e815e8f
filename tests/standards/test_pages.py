"""The institution's 标准化建设 pages (services/standards/views.py): the secretary's self-assessment
with its automatic evidence, the reviews, the committee's spot check on the result, and scopes."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from services.standards import spot_checks
from services.standards.models import Assessment, SpotCheck
from tests.conftest import client_for, in_schema
from tests.standards.conftest import Tree

pytestmark = pytest.mark.django_db


def _branch_url(tree: Tree, unit: str = "X") -> str:
    return reverse("standards:branch", kwargs={"pk": tree.units[unit].pk}) + "?year=2026"


def test_the_secretary_self_assesses_and_the_reviews_go_up_from_the_pages(tree: Tree, committee_user) -> None:
    secretary = client_for(tree.institution, tree.users["secretary"])
    page = secretary.get(_branch_url(tree)).content.decode()
    assert "开始自评" in page
    secretary.post(reverse("standards:start", kwargs={"pk": tree.units["X"].pk}) + "?year=2026")
    with in_schema(tree.institution):
        assessment = Assessment.objects.get()
    page = secretary.get(_branch_url(tree)).content.decode()
    assert "19/20 = 95.0%" in page and "缺少“会议记录”" in page
    node = next(n.pk for n in tree.system.nodes.all() if n.title == "会议记录")
    evidence_url = reverse("standards:evidence", kwargs={"pk": assessment.pk})
    response = secretary.post(
        evidence_url, {"node": node, "title": "三月支委会纪要", "link": "/orglife/1/"}, follow=True
    )
    assert "已添加佐证材料" in response.content.decode() and "提供了“会议记录”" in response.content.decode()
    response = secretary.post(evidence_url, {"node": node, "title": "坏链接", "link": "http://x/"}, follow=True)
    assert "本平台内的链接" in response.content.decode()
    secretary.post(reverse("standards:submit", kwargs={"pk": assessment.pk}))
    college = client_for(tree.institution, tree.users["college"])
    home = college.get(reverse("standards:home") + "?year=2026").content.decode()
    assert "待我审核" in home and "支部X" in home and "支部W" not in home
    review_url = reverse("standards:review", kwargs={"pk": assessment.pk})
    response = college.post(review_url, {"decision": "return", "comment": ""}, follow=True)
    assert "退回时请填写意见" in response.content.decode()
    college.post(review_url, {"decision": "approve", "comment": "同意"})
    admin = client_for(tree.institution, tree.users["admin"])
    admin.post(review_url, {"decision": "approve", "comment": "认定"})
    with in_schema(tree.institution):
        assessment.refresh_from_db()
    assert assessment.status == "final" and assessment.score == D(59)  # 60, vetoed: capped at 59
    # the committee's spot check shows on the branch's result
    with in_schema("public"):
        check = SpotCheck.objects.create(institution=tree.institution, unit_path=tree.units["X"].path, year=2026)
        spot_checks.spot_check_record(check=check, score=D(55), comment="签到表不全", acting_user=committee_user)
    page = secretary.get(_branch_url(tree)).content.decode()
    assert "抽查得分：55.0" in page and "签到表不全" in page


def test_scopes_on_the_pages(tree: Tree) -> None:
    member = client_for(tree.institution, tree.users["member"])
    assert member.get(reverse("standards:home")).status_code == 403
    secretary = client_for(tree.institution, tree.users["secretary"])
    assert secretary.get(_branch_url(tree, "W")).status_code == 404
    college = client_for(tree.institution, tree.users["college"])
    assert college.get(_branch_url(tree, "W")).status_code == 404
    assert college.get(_branch_url(tree, "X")).status_code == 200


def test_the_api_lists_within_scope_and_goes_through_the_same_steps(tree: Tree) -> None:
    from services.standards import workflow

    with in_schema(tree.institution):
        x = workflow.assessment_start(unit=tree.units["X"], year=2026, acting_user=tree.users["secretary"])
        workflow.assessment_start(unit=tree.units["W"], year=2026, acting_user=tree.users["admin"])
    secretary = client_for(tree.institution, tree.users["secretary"])
    listed = secretary.get("/api/standards/assessments/?year=2026").json()
    assert [a["unit_name"] for a in listed] == ["支部X"]
    node = next(n.pk for n in tree.system.nodes.all() if n.title == "签到表")
    made = secretary.post(
        f"/api/standards/assessments/{x.pk}/links/", {"node": node, "title": "签到表", "link": "/orglife/2/"},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["kind"] == "link"
    submitted = secretary.post(f"/api/standards/assessments/{x.pk}/submit/", {}, content_type="application/json")
    assert submitted.json()["status"] == "second" and submitted.json()["score"] == "50.0"
    college = client_for(tree.institution, tree.users["college"])
    refused = college.post(
        f"/api/standards/assessments/{x.pk}/review/", {"approve": False}, content_type="application/json"
    )
    assert refused.status_code == 400 and "退回时请填写意见" in refused.content.decode()
    assert college.get(f"/api/standards/assessments/{x.pk}/").status_code == 200
    schema = client_for(tree.institution, tree.users["admin"]).get("/api/schema/").content.decode()
    assert "/api/standards/assessments/{id}/review/" in schema


@pytest.mark.parametrize("odd", ["²", "--5", "-²", "abc", "99999999999999999999"])
def test_ids_and_years_that_are_not_ones_are_refused_or_defaulted_not_a_server_error(tree: Tree, odd) -> None:
    secretary = client_for(tree.institution, tree.users["secretary"])
    page = reverse("standards:branch", kwargs={"pk": tree.units["X"].pk})
    assert secretary.get(f"{page}?year={odd}").status_code == 200  # this year's page instead
    secretary.post(reverse("standards:start", kwargs={"pk": tree.units["X"].pk}) + "?year=2026")
    with in_schema(tree.institution):
        assessment = Assessment.objects.get()
    evidence_url = reverse("standards:evidence", kwargs={"pk": assessment.pk})
    assert secretary.post(evidence_url, {"remove": odd}).status_code == 404
    response = secretary.post(evidence_url, {"node": odd, "title": "纪要", "link": "/orglife/1/"})
    assert response.status_code in (302, 400, 404)  # refused with a message, never a 500
    with in_schema(tree.institution):
        assert not assessment.evidence.exists()
