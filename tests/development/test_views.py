"""The development pages: the board (scoped, bounded queries), the timeline with guards and
citations, the forms, the template page."""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.development.demo_data import bulk_pipeline
from services.development.models import Dossier, DossierDocument, DossierStep, LocalStep
from services.organization.models import Position
from services.storage.backends import get_storage
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user
from tests.development.helpers import TALK, World, apply, approve_all, build_world, person, record

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(inst_a: Institution) -> World:
    with in_schema(inst_a):
        return build_world()


def _board_queries(client: object, inst: Institution) -> int:
    with in_schema(inst), CaptureQueriesContext(connection) as queries:
        response = client.get("/development/")  # type: ignore[attr-defined]
    assert response.status_code == 200
    # Host routing is cached per process with a TTL: its lookup is not the board's cost.
    routing = ("SET search_path", '"tenants_domain"')
    return len([q for q in queries.captured_queries if not any(part in q["sql"] for part in routing)])


def test_the_board_costs_the_same_queries_for_5_or_40_people(world: World, inst_a: Institution) -> None:
    client = client_for(inst_a, world.secretary)
    with in_schema(inst_a):
        bulk_pipeline(branches=[world.tree.branch_x], count=5, rng=random.Random(1), today=date.today())
    _board_queries(client, inst_a)  # warms per-process caches (routes, the working-day calendar)
    few = _board_queries(client, inst_a)
    with in_schema(inst_a):
        bulk_pipeline(branches=[world.tree.branch_x], count=35, rng=random.Random(2), today=date.today())
    many = _board_queries(client, inst_a)
    assert many == few
    assert many <= 20


def test_the_board_shows_columns_counts_and_only_the_secretary_subtree(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        apply(world, name="甲申请人")
        other = person(world.tree.branch_z, "z_sec", Position.Kind.SECRETARY)
        from services.development import services

        services.dossier_create(
            acting_user=other,
            branch=world.tree.branch_z,
            name="乙外支部",
            national_id="11010519491231002X",
            category="faculty",
            applied_on=date(2024, 1, 1),
        )
    body = client_for(inst_a, world.secretary).get("/development/").content.decode()
    assert "甲申请人" in body and "乙外支部" not in body
    assert "入党申请人" in body and "正式党员" in body and 'class="dev-count">1<' in body


def test_an_overdue_talk_puts_a_red_flag_on_the_card(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        apply(world, name="丙逾期", applied_on=date(2024, 1, 10))
    body = client_for(inst_a, world.secretary).get("/development/").content.decode()
    assert "dev-card flagged" in body and "⚑" in body


def test_the_timeline_shows_steps_and_guards_with_citations(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = apply(world, name="丁时间线")
        record(world, dossier, "talk", TALK, note="谈话了解基本情况")
    body = client_for(inst_a, world.secretary).get(f"/development/{dossier.pk}/").content.decode()
    assert "递交入党申请书" in body and "谈话了解基本情况" in body
    assert "申请入党最低年龄" in body and "第五条" in body and "第七条" in body
    assert "development.min_age" not in body  # users read the rule's title, not its key
    assert "审核通过" in body  # the manager reviews from the timeline


def test_a_plain_member_cannot_open_the_dossier(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = apply(world)
        plain = person(world.tree.branch_x, "plain_member")
    assert client_for(inst_a, plain).get(f"/development/{dossier.pk}/").status_code == 404


def test_the_create_form_opens_a_dossier(world: World, inst_a: Institution) -> None:
    client = client_for(inst_a, world.secretary)
    response = client.post(
        "/development/new/",
        {
            "name": "戊申请",
            "national_id": "11010519491231002X",
            "category": "faculty",
            "branch": world.tree.branch_x.pk,
            "applied_on": "2024-03-01",
        },
    )
    assert response.status_code == 302
    with in_schema(inst_a):
        assert Dossier.objects.get(name="戊申请").birth_date == date(1949, 12, 31)


def test_recording_a_step_uploads_its_document_and_review_approves_it(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = apply(world)
    client = client_for(inst_a, world.secretary)
    response = client.post(
        f"/development/{dossier.pk}/steps/new/",
        {
            "step": "std:talk",
            "occurred_on": "2022-01-20",
            "note": "首次谈话",
            "documents": [SimpleUploadedFile("谈话记录.pdf", PDF, content_type="application/pdf")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with in_schema(inst_a):
        step = DossierStep.objects.get(dossier=dossier, code="talk")
        document = DossierDocument.objects.get(step=step)
        assert document.kind == "谈话记录"
    download = client.get(f"/development/documents/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    with in_schema(inst_a):
        from services.audit.models import AuditEvent

        assert AuditEvent.objects.filter(event="development.document_opened", object_id=str(document.pk)).exists()
    client.post(f"/development/steps/{step.pk}/review/", {"decision": "approve"})
    with in_schema(inst_a):
        assert DossierStep.objects.get(pk=step.pk).review == "approved"
        get_storage().delete(document.storage_key)


def test_the_advance_page_shows_the_guards_before_confirming(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = apply(world)
        record(world, dossier, "talk", TALK)
        approve_all(dossier, world.secretary)
    client = client_for(inst_a, world.secretary)
    page = client.get(f"/development/{dossier.pk}/advance/?on_date=2022-03-01").content.decode()
    assert "申请时年满 18 周岁" in page and "已满足" in page and "确认转入下一阶段" in page
    assert client.post(f"/development/{dossier.pk}/advance/", {"on_date": "2022-03-01"}).status_code == 302
    with in_schema(inst_a):
        assert Dossier.objects.get(pk=dossier.pk).stage == "activist"


def test_the_template_page_lists_25_steps_and_admins_add_local_steps(world: World, inst_a: Institution) -> None:
    admin = make_user(inst_a, username="dev_admin", is_superuser=True, is_staff=True)
    client = client_for(inst_a, admin)
    page = client.get("/development/template/").content.decode()
    assert "入党申请书" in page and "转正申请书" in page and "材料归档" in page
    with in_schema(inst_a):
        from services.procedures.models import TemplateStep

        talk = TemplateStep.objects.get(code="talk")
        assert TemplateStep.objects.filter(template=talk.template).count() == 25
    response = client.post(
        "/development/template/", {"after_step": talk.pk, "title": "团组织推优", "documents": "推优表、团支部意见"}
    )
    assert response.status_code == 302
    with in_schema(inst_a):
        local = LocalStep.objects.get(title="团组织推优")
        assert local.documents == ["推优表", "团支部意见"]
    assert "团组织推优" in client.get("/development/template/").content.decode()
    assert (
        client_for(inst_a, world.secretary)
        .post("/development/template/", {"after_step": talk.pk, "title": "x"})
        .status_code
        == 403
    )


def test_the_extension_page_states_the_rule_and_refuses_13_months(world: World, inst_a: Institution) -> None:
    from tests.development.helpers import admit

    with in_schema(inst_a):
        dossier = admit(world, apply(world))
    client = client_for(inst_a, world.secretary)
    page = client.get(f"/development/{dossier.pk}/probation/").content.decode()
    assert "延长预备期 6–12 个月，限一次" in page and "第三十二条" in page
    refused = client.post(
        f"/development/{dossier.pk}/probation/", {"months": 13, "on_date": "2025-10-20", "reason": "继续考察"}
    )
    assert refused.status_code == 200 and "应为 6–12 个月" in refused.content.decode()
    step_page = client.get(f"/development/{dossier.pk}/steps/new/").content.decode()
    assert "上级党委审批（审批意见）" in step_page
