"""Keeping indicator systems (services/standards/services.py): drafts are edited, checked and
published; a published version never changes, refused by the service and by the database."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import DatabaseError, transaction

from services.audit.models import AuditEvent
from services.standards import selectors, services
from services.standards.models import IndicatorNode, IndicatorSystem
from services.standards.services import SystemPublished
from services.standards.validation import SystemInvalid
from tenants.models import Institution
from tests.conftest import in_schema
from tests.standards.factories import build_system

pytestmark = pytest.mark.django_db


def test_a_valid_draft_is_published_and_audited(committee_user) -> None:
    system = build_system(committee_user)
    assert services.system_problems(system) == []
    services.system_publish(system=system, acting_user=committee_user)
    system.refresh_from_db()
    assert system.is_published and system.published_by == committee_user
    events = set(AuditEvent.objects.filter(object_id=str(system.pk)).values_list("event", flat=True))
    assert {"standards.system_created", "standards.system_changed", "standards.system_published"} <= events
    assert AuditEvent.objects.filter(event="standards.node_added").count() == 9


def test_publishing_with_problems_publishes_nothing_and_says_every_problem(committee_user) -> None:
    system = build_system(committee_user)
    study = system.nodes.get(title="学时达标")
    services.node_update(node=study, metric="no.such", acting_user=committee_user)
    services.node_update(node=system.nodes.get(title="签到表"), points=D(5), acting_user=committee_user)
    with pytest.raises(SystemInvalid) as caught:
        services.system_publish(system=system, acting_user=committee_user)
    messages = [str(p) for p in caught.value.problems]
    assert "“组织建设” > “三会一课”：佐证材料分值之和为 25.0，应等于本项分值 30.0" in messages
    assert "“学习教育” > “学时达标”：计分规则引用了不存在的指标“no.such”" in messages
    system.refresh_from_db()
    assert system.status == IndicatorSystem.Status.DRAFT


def test_editing_a_published_version_is_refused_by_the_service(committee_user) -> None:
    system = services.system_publish(system=build_system(committee_user), acting_user=committee_user)
    node = system.nodes.get(title="三会一课")
    with pytest.raises(SystemPublished, match="已发布，不能再修改"):
        services.node_update(node=node, title="改", acting_user=committee_user)
    with pytest.raises(SystemPublished):
        services.node_add(system=system, parent=None, kind="area", title="新", acting_user=committee_user)
    with pytest.raises(SystemPublished):
        services.system_update(system=system, name="改", acting_user=committee_user)
    with pytest.raises(SystemPublished):
        services.system_delete(system=system, acting_user=committee_user)


@pytest.mark.parametrize("schema", ["public", "institution"])
def test_the_database_refuses_changing_a_published_version(committee_user, inst_a: Institution, schema: str) -> None:
    with in_schema("public" if schema == "public" else inst_a):
        user = committee_user if schema == "public" else None
        system = services.system_publish(system=build_system(user), acting_user=user)
        node = system.nodes.get(title="三会一课")
        attempts = [
            lambda: IndicatorNode.objects.filter(pk=node.pk).update(points=D(1)),
            lambda: IndicatorNode.objects.filter(pk=node.pk).delete(),
            lambda: IndicatorNode.objects.create(system=system, kind="area", title="偷加"),
            lambda: IndicatorSystem.objects.filter(pk=system.pk).update(name="改"),
            lambda: IndicatorSystem.objects.filter(pk=system.pk).update(status="draft"),
            lambda: IndicatorSystem.objects.filter(pk=system.pk).delete(),
        ]
        for attempt in attempts:
            with pytest.raises(DatabaseError, match="已发布的指标体系不能修改或删除"), transaction.atomic():
                attempt()
        assert IndicatorNode.objects.get(pk=node.pk).points == D(30)
        # emptying a removed account's reference still goes through
        assert IndicatorSystem.objects.filter(pk=system.pk).update(published_by=None) == 1


def test_a_new_version_copies_the_tree_as_a_draft(committee_user) -> None:
    system = services.system_publish(system=build_system(committee_user), acting_user=committee_user)
    draft = services.system_new_version(system=system, acting_user=committee_user)
    assert (draft.version, draft.status, draft.based_on_id) == (2, "draft", system.pk)
    old = [(n.title, n.kind, n.points, d, num) for n, d, num in selectors.tree(system)]
    new = [(n.title, n.kind, n.points, d, num) for n, d, num in selectors.tree(draft)]
    assert old == new and len(new) == 9
    services.node_update(node=draft.nodes.get(title="三会一课"), title="三会一课（新）", acting_user=committee_user)
    assert system.nodes.filter(title="三会一课").exists()


def test_a_node_never_moves_under_itself(committee_user) -> None:
    system = build_system(committee_user)
    area = system.nodes.get(title="组织建设")
    item = system.nodes.get(title="三会一课")
    other = system.nodes.get(title="学习教育")
    services.node_move(node=item, parent=other, acting_user=committee_user)
    assert IndicatorNode.objects.get(pk=item.pk).parent_id == other.pk
    with pytest.raises(SystemInvalid, match="循环"):
        services.node_move(node=area, parent=area, acting_user=committee_user)
    with pytest.raises(SystemInvalid, match="这里不能添加评分项"):
        services.node_move(node=item, parent=None, acting_user=committee_user)


def test_the_applicable_system_prefers_the_institutions_type(committee_user) -> None:
    general = services.system_publish(system=build_system(committee_user, name="通用"), acting_user=committee_user)
    medical = services.system_publish(
        system=build_system(committee_user, name="医学院校", kind="medical"), acting_user=committee_user
    )
    build_system(committee_user, name="草稿", kind="vocational")  # a draft never applies
    assert selectors.applicable_system(institution_kind="medical", year=2026).pk == medical.pk
    assert selectors.applicable_system(institution_kind="vocational", year=2026).pk == general.pk
    assert selectors.applicable_system(institution_kind="medical", year=2025) is None
