"""A branch's assessment from self-assessment to the institution's final result
(services/standards/workflow.py): automatic evidence computed live, documents and links, every
point explained, reviews that go up and come back with comments, scopes, the closed year, the
append-only review log and the facts the results publish."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from services.audit.models import AuditEvent
from services.oversight.facts import unit_facts_publish
from services.oversight.models import UnitFact
from services.standards import assessing, figures, workflow
from services.standards.models import Assessment, IndicatorSystem, ReviewStep
from services.standards.workflow import LinkTarget
from services.storage.backends import get_storage
from tests.conftest import in_schema, make_user
from tests.standards.conftest import Tree

pytestmark = pytest.mark.django_db
S = Assessment.Status


def _node(tree: Tree, title: str) -> int:
    return next(n.pk for n in tree.system.nodes.all() if n.title == title)


def _start(tree: Tree, unit: str = "X") -> Assessment:
    return workflow.assessment_start(unit=tree.units[unit], year=2026, acting_user=tree.users["secretary"])


def _complete(tree: Tree, assessment: Assessment) -> None:
    for title in ("会议记录", "签到表", "换届批复", "选举结果报告"):
        workflow.evidence_add(
            assessment=assessment, node_id=_node(tree, title), acting_user=tree.users["secretary"],
            link=LinkTarget(f"{title}（记录）", "/orglife/meetings/1/"),
        )  # fmt: skip


def test_the_secretary_sees_automatic_evidence_and_every_point_explained(tree: Tree) -> None:
    with in_schema(tree.institution):
        assessment = _start(tree)
        assert assessment.system_id == tree.system.pk
        result = assessing.score(assessment, tree.system)
        study = result.areas[1].items[0]
        assert study.score == D(40) and "19/20 = 95.0%" in study.lines[0].text
        renewal = result.areas[0].items[1]
        assert [line.points for line in renewal.lines] == [D(30), D(-20), D(-10)]  # 扣满止
        assert result.vetoed and result.total == D(40) and result.grade == "差"


def test_documents_and_links_fill_the_evidence_and_the_score_follows(tree: Tree) -> None:
    with in_schema(tree.institution):
        assessment = _start(tree)
        upload = workflow.evidence_add(
            assessment=assessment, node_id=_node(tree, "会议记录"), acting_user=tree.users["secretary"],
            upload=io.BytesIO(b"minutes of the meeting\n" * 10), filename="记录.txt",
        )  # fmt: skip
        assert get_storage().exists(upload.storage_key)
        _complete(tree, assessment)
        result = assessing.score(assessment, tree.system)
        assert (result.total, result.grade, result.standardized) == (D(100), "好", True)
        workflow.evidence_remove(evidence=upload, acting_user=tree.users["secretary"])
        with pytest.raises(ValidationError, match="请上传一个文件，或填写要关联的记录"):
            workflow.evidence_add(
                assessment=assessment, node_id=_node(tree, "签到表"), acting_user=tree.users["secretary"]
            )
        with pytest.raises(ValidationError, match="没有这项佐证材料"):
            workflow.evidence_add(
                assessment=assessment, node_id=_node(tree, "三会一课"), acting_user=tree.users["secretary"],
                link=LinkTarget("x", "/x/"),
            )  # fmt: skip


def test_reviews_go_up_and_come_back_with_comments(tree: Tree) -> None:
    secretary, college, admin = (tree.users[n] for n in ("secretary", "college", "admin"))
    with in_schema(tree.institution):
        assessment = _start(tree)
        _complete(tree, assessment)
        assessment = workflow.assessment_submit(assessment=assessment, acting_user=secretary)
        assert assessment.status == S.SECOND and assessment.score == D(100)
        with pytest.raises(ValidationError, match="自评已提交"):
            workflow.note_save(assessment=assessment, node_id=_node(tree, "会议记录"), text="x", acting_user=secretary)
        with pytest.raises(PermissionDenied):
            workflow.assessment_review(assessment=assessment, approve=True, comment="", acting_user=secretary)
        with pytest.raises(ValidationError, match="退回时请填写意见"):
            workflow.assessment_review(assessment=assessment, approve=False, comment=" ", acting_user=college)
        assessment = workflow.assessment_review(
            assessment=assessment, approve=False, comment="补充签到表照片", acting_user=college
        )
        assert (assessment.status, assessment.returned_note) == (S.SELF, "补充签到表照片")
        workflow.note_save(assessment=assessment, node_id=_node(tree, "签到表"), text="已补充", acting_user=secretary)
        assessment = workflow.assessment_submit(assessment=assessment, acting_user=secretary)
        assessment = workflow.assessment_review(
            assessment=assessment, approve=True, comment="同意", acting_user=college
        )
        assert assessment.status == S.INSTITUTION
        with pytest.raises(PermissionDenied):  # the college has done its step
            workflow.assessment_review(assessment=assessment, approve=True, comment="", acting_user=college)
        assessment = workflow.assessment_review(
            assessment=assessment, approve=False, comment="重新核对", acting_user=admin
        )
        assert assessment.status == S.SECOND  # one step back, to the college
        assessment = workflow.assessment_review(assessment=assessment, approve=True, comment="", acting_user=college)
        assessment = workflow.assessment_review(assessment=assessment, approve=True, comment="认定", acting_user=admin)
        assert (assessment.status, assessment.score, assessment.grade, assessment.standardized) == (
            S.FINAL, D(100), "好", True,
        )  # fmt: skip
        steps = list(assessment.steps.values_list("stage", "action"))
        assert steps == [
            ("self", "submit"), ("second", "return"), ("self", "submit"), ("second", "approve"),
            ("institution", "return"), ("second", "approve"), ("institution", "approve"),
        ]  # fmt: skip
        events = list(AuditEvent.objects.filter(object_id=str(assessment.pk), object_type="standards.assessment")
                      .values_list("event", flat=True))  # fmt: skip
        assert events.count("standards.assessment_returned") == 2 and "standards.assessment_approved" in events
        assert assessment.lines[0]["items"][0]["lines"][0][0] == "提供了“会议记录”"


def test_a_branch_under_the_committee_goes_straight_to_the_institution(tree: Tree) -> None:
    from services.organization.models import Position
    from tests.factories import MemberFactory

    with in_schema(tree.institution):
        user = make_user(tree.institution, username="std_v_secretary")
        member = MemberFactory(branch=tree.units["V"], user=user)
        Position.objects.create(
            member=member, unit=tree.units["V"], kind=Position.Kind.SECRETARY, started_on="2025-01-01"
        )
        assessment = workflow.assessment_start(unit=tree.units["V"], year=2026, acting_user=user)
        assessment = workflow.assessment_submit(assessment=assessment, acting_user=user)
        assert assessment.status == S.INSTITUTION
        back = workflow.assessment_review(
            assessment=assessment, approve=False, comment="补材料", acting_user=tree.users["admin"]
        )
        assert back.status == S.SELF


def test_scopes_a_secretary_sees_their_branch_a_college_admin_their_college(tree: Tree) -> None:
    with in_schema(tree.institution):
        names = lambda user: [u.name for u in assessing.branches_for(user)]  # noqa: E731
        assert names(tree.users["secretary"]) == ["支部X"]
        assert names(tree.users["college"]) == ["支部X"]
        assert sorted(names(tree.users["admin"])) == ["支部V", "支部W", "支部X"]
        assert names(tree.users["member"]) == []
        with pytest.raises(PermissionDenied):
            workflow.assessment_start(unit=tree.units["W"], year=2026, acting_user=tree.users["secretary"])
        with pytest.raises(PermissionDenied):
            workflow.assessment_start(unit=tree.units["X"], year=2026, acting_user=tree.users["member"])
        assessment = _start(tree, "X")
        with pytest.raises(PermissionDenied):
            workflow.note_save(
                assessment=assessment, node_id=_node(tree, "签到表"), text="x", acting_user=tree.users["member"]
            )


def test_a_closed_year_refuses_reviews_with_a_clear_message(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    with in_schema(tree.institution):
        assessment = workflow.assessment_submit(assessment=_start(tree), acting_user=tree.users["secretary"])
        monkeypatch.setattr(assessing.timezone, "localdate", lambda: date(2027, 2, 1))  # the system closes 2027-01-31
        with pytest.raises(ValidationError, match="2026 年度的考评已于 2027-01-31 截止，不能再提交、审核或退回"):
            workflow.assessment_review(
                assessment=assessment, approve=True, comment="", acting_user=tree.users["college"]
            )
        with pytest.raises(ValidationError, match="已于 2027-01-31 截止"):
            workflow.assessment_review(
                assessment=assessment, approve=False, comment="退", acting_user=tree.users["college"]
            )
        assert Assessment.objects.get(pk=assessment.pk).status == S.SECOND
        assert ReviewStep.objects.filter(assessment=assessment).count() == 1


def test_closed_message_reads_the_systems_closing_day(tree: Tree) -> None:
    system = IndicatorSystem(year=2026, closes_on=date(2027, 1, 31))
    assert assessing.closed_message(system, today=date(2027, 1, 31)) is None
    assert (
        assessing.closed_message(system, today=date(2027, 2, 1))
        == "2026 年度的考评已于 2027-01-31 截止，不能再提交、审核或退回。"
    )
    assert assessing.closed_message(IndicatorSystem(year=2026), today=date(2030, 1, 1)) is None


def test_the_review_log_is_append_only_in_the_database(tree: Tree) -> None:
    with in_schema(tree.institution):
        assessment = workflow.assessment_submit(assessment=_start(tree), acting_user=tree.users["secretary"])
        step = assessment.steps.get()
        for attempt in (
            lambda: ReviewStep.objects.filter(pk=step.pk).update(comment="改"),
            lambda: ReviewStep.objects.filter(pk=step.pk).delete(),
        ):
            with pytest.raises(DatabaseError, match="审核记录只能追加"), transaction.atomic():
                attempt()


def test_final_results_become_facts_in_tenths(tree: Tree) -> None:
    secretary, college, admin = (tree.users[n] for n in ("secretary", "college", "admin"))
    with in_schema(tree.institution):
        tree.hours[tree.units["X"].pk] = (7, 10)  # 70 % of a 90 % goal: no study points
        assessment = _start(tree)
        _complete(tree, assessment)
        assessment = workflow.assessment_submit(assessment=assessment, acting_user=secretary)
        assert figures.score_figures(year=2026) == []  # not final yet
        assessment = workflow.assessment_review(assessment=assessment, approve=True, comment="", acting_user=college)
        workflow.assessment_review(assessment=assessment, approve=True, comment="", acting_user=admin)
        x = tree.units["X"].pk
        assert [(f.unit_id, f.numerator, f.denominator) for f in figures.score_figures(year=2026)] == [(x, 600, 1000)]
        assert [(f.numerator, f.denominator) for f in figures.standardized_figures(year=2026)] == [(0, 1)]
        unit_facts_publish(institution=tree.institution, year=2026)  # the figures job
    branch, root = tree.units["X"].path, tree.units["root"].path
    with in_schema("public"):
        published = {
            (f.metric, f.unit_path): (f.suppressed, f.numerator, f.denominator)
            for f in UnitFact.objects.filter(institution=tree.institution, metric__startswith="standards.")
        }
    # A branch's result is not a person's: a denominator of 1 is published, not suppressed.
    assert published[("standards.score", branch)] == (False, 600, 1000)
    assert published[("standards.standardized", branch)] == (False, 0, 1)
    assert published[("standards.score", root)] == (False, 600, 1000)  # summed up the tree
