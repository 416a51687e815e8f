"""An institution's local items (本校补充指标): kept by its administrators in its own schema, added
to every assessment begun after they are published; the committee's thresholds scale with the
larger maximum; their evidence points are named by minus their id."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse

from services.standards import assessing, scoring, services, workbook, workflow
from services.standards.models import IndicatorSystem
from services.standards.scoring import AreaSpec, EvidenceSpec, ItemSpec, SystemSpec
from services.standards.workflow import LinkTarget
from tests.conftest import client_for, in_schema
from tests.standards.conftest import Tree

pytestmark = pytest.mark.django_db


def test_thresholds_scale_with_the_local_points() -> None:
    item = ItemSpec(1, "甲", D(100), scoring.PER_EVIDENCE, (EvidenceSpec(2, "材料", D(100)),))
    system = SystemSpec(
        D(100), (("好", D(90)), ("差", D(0))), "差", D(59), D(90), (AreaSpec(3, "一", D(100), (item,)),)
    )
    local_item = ItemSpec(-1, "乙", D(20), scoring.PER_EVIDENCE, (EvidenceSpec(-2, "本校材料", D(20)),))
    local = SystemSpec(D(20), (), "差", None, D(0), (AreaSpec(-3, "本校", D(20), (local_item,)),))
    merged = scoring.with_local(system, local)
    assert (merged.total_points, merged.grades[0][1], merged.standardized_min, merged.veto_cap) == (
        D(120), D(108), D(108), D("70.8"),
    )  # fmt: skip
    assert [a.title for a in merged.areas] == ["一", "本校"]
    assert scoring.with_local(system, None) is system


def _local(tree: Tree) -> IndicatorSystem:
    admin = tree.users["admin"]
    system = services.system_create(name="本校补充指标", institution_kind="", year=2026, acting_user=admin)
    services.system_update(system=system, total_points=D(20), standardized_min=D(0), acting_user=admin)
    area = services.node_add(system=system, parent=None, kind="area", title="本校特色", points=D(20), acting_user=admin)
    item = services.node_add(
        system=system, parent=area, kind="item", title="特色活动", points=D(20), rule="per_evidence", acting_user=admin
    )
    services.node_add(system=system, parent=item, kind="evidence", title="活动材料", points=D(20), acting_user=admin)
    return services.system_publish(system=system, acting_user=admin)


def test_local_items_join_the_assessment_and_its_score(tree: Tree) -> None:
    secretary = tree.users["secretary"]
    with in_schema(tree.institution):
        local = _local(tree)
        assessment = workflow.assessment_start(unit=tree.units["X"], year=2026, acting_user=secretary)
        assert assessment.local_system_id == local.pk
        for node in [n for n in tree.system.nodes.all() if n.kind == "evidence"]:
            workflow.evidence_add(
                assessment=assessment, node_id=node.pk, acting_user=secretary, link=LinkTarget(node.title, "/x/")
            )
        result = assessing.score(assessment, tree.system)
        assert (result.total, result.maximum, result.grade, result.standardized) == (D(100), D(120), "较好", False)
        local_evidence = local.nodes.get(kind="evidence")
        workflow.evidence_add(
            assessment=assessment, node_id=-local_evidence.pk, acting_user=secretary, link=LinkTarget("活动", "/y/")
        )
        result = assessing.score(assessment, tree.system)
        assert (result.total, result.grade, result.standardized) == (D(120), "好", True)
        assert result.areas[-1].items[0].lines[0].text == "提供了“活动材料”"


def test_only_the_institutions_administrators_keep_local_items(tree: Tree) -> None:
    with in_schema(tree.institution):
        local = _local(tree)
        data = workbook.export(local)
    college = client_for(tree.institution, tree.users["college"])
    assert college.get(reverse("standards:local")).status_code == 403
    admin = client_for(tree.institution, tree.users["admin"])
    upload = io.BytesIO(data)
    upload.name = "local.xlsx"
    response = admin.post(reverse("standards:local"), {"file": upload})
    with in_schema(tree.institution):
        draft = IndicatorSystem.objects.exclude(pk=local.pk).get()
    assert response["Location"] == reverse("standards:local_detail", kwargs={"pk": draft.pk})
    assert "活动材料" in admin.get(response["Location"]).content.decode()
    admin.post(reverse("standards:local_publish", kwargs={"pk": draft.pk}))
    with in_schema(tree.institution):
        draft.refresh_from_db()
        assert draft.is_published and draft.version == 1
        # the committee's public system is untouched by the institution's copy of the tables
    with in_schema("public"):
        assert not IndicatorSystem.objects.filter(name="本校补充指标").exists()
