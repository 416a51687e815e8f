"""The development API: list, create, detail, steps, guards, advance (scoped, Chinese errors)."""

from __future__ import annotations

from datetime import date

import pytest

from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.development.helpers import World, apply, build_world


@pytest.fixture
def world(inst_a: Institution) -> World:
    with in_schema(inst_a):
        return build_world()


def test_create_list_steps_guards_and_advance(world: World, inst_a: Institution) -> None:
    client = client_for(inst_a, world.secretary)
    created = client.post(
        "/api/development/dossiers/",
        {
            "name": "API申请",
            "national_id": "11010519491231002X",
            "category": "faculty",
            "branch": world.tree.branch_x.pk,
            "applied_on": "2022-01-10",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["national_id"].startswith("1101") and "*" in created.json()["national_id"]
    listed = client.get("/api/development/dossiers/?stage=applicant").json()
    assert [row["name"] for row in listed["results"] if row["id"] == pk] == ["API申请"]
    step = client.post(
        f"/api/development/dossiers/{pk}/steps/",
        {"code": "talk", "occurred_on": "2022-01-20"},
        content_type="application/json",
    )
    assert step.status_code == 201 and step.json()["review"] == "recorded"
    guards = client.get(f"/api/development/dossiers/{pk}/guards/?on=2022-03-01").json()
    assert guards["to_stage"] == "activist"
    by_code = {guard["code"]: guard for guard in guards["guards"]}
    assert by_code["age"]["state"] == "passed" and "第五条" in by_code["age"]["citation"]
    assert by_code["review"]["state"] == "waiting"
    refused = client.post(
        f"/api/development/dossiers/{pk}/advance/",
        {"to_stage": "activist", "on_date": "2022-03-01"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "待审核" in refused.content.decode()
    detail = client.get(f"/api/development/dossiers/{pk}/").json()
    assert [s["code"] for s in detail["steps"]] == ["application", "talk"]


def test_an_api_under_18_application_is_refused_in_chinese(world: World, inst_a: Institution) -> None:
    from tests.development.helpers import national_id_born

    client = client_for(inst_a, world.secretary)
    response = client.post(
        "/api/development/dossiers/",
        {
            "name": "少年",
            "national_id": national_id_born(date(2008, 1, 1)),
            "category": "student",
            "branch": world.tree.branch_x.pk,
            "applied_on": "2025-12-31",
        },
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "未满 18 周岁" in response.content.decode()


def test_the_api_list_is_scoped_to_the_secretary_subtree(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        apply(world, name="本支部")
        from services.development.models import Dossier

        other = apply(world, name="外支部", born=date(1999, 1, 1))
        Dossier.objects.filter(pk=other.pk).update(branch=world.tree.branch_z)
    names = [
        row["name"] for row in client_for(inst_a, world.secretary).get("/api/development/dossiers/").json()["results"]
    ]
    assert "本支部" in names and "外支部" not in names


def test_a_step_recorded_through_the_api_carries_its_documents(world: World, inst_a: Institution) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from services.development.models import DossierDocument
    from services.storage.backends import get_storage

    with in_schema(inst_a):
        dossier = apply(world)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client_for(inst_a, world.secretary).post(
        f"/api/development/dossiers/{dossier.pk}/steps/",
        {
            "code": "talk",
            "occurred_on": "2022-01-20",
            "document_kind": "谈话记录",
            "documents": [SimpleUploadedFile("talk.pdf", pdf, content_type="application/pdf")],
        },
    )
    assert response.status_code == 201, response.content
    assert [d["kind"] for d in response.json()["documents"]] == ["谈话记录"]
    with in_schema(inst_a):
        document = DossierDocument.objects.get(step_id=response.json()["id"])
        with get_storage().open(document.storage_key) as stored:
            assert stored.read() == pdf
        get_storage().delete(document.storage_key)


def test_a_step_is_reviewed_through_the_api_once_and_a_rejection_needs_a_note(
    world: World, inst_a: Institution
) -> None:
    from services.development.models import DossierStep
    from tests.members.helpers import person

    with in_schema(inst_a):
        dossier = apply(world, name="待审核者")
        talk, letter = (
            DossierStep.objects.create(dossier=dossier, code=code, title=code, occurred_on=date(2025, 1, 5))
            for code in ("talk", "contact_persons")
        )
        plain = person(world.tree.branch_x, "dev_plain")  # a member of the branch, managing nothing
    secretary = client_for(inst_a, world.secretary)
    approved = secretary.post(
        f"/api/development/steps/{talk.pk}/review/", {"decision": "approve"}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["review"] == "approved"
    again = secretary.post(
        f"/api/development/steps/{talk.pk}/review/",
        {"decision": "reject", "note": "x"},
        content_type="application/json",
    )
    assert again.status_code == 400 and "已审核" in again.content.decode()
    no_note = secretary.post(
        f"/api/development/steps/{letter.pk}/review/", {"decision": "reject"}, content_type="application/json"
    )
    assert no_note.status_code == 400 and "审核意见" in no_note.json()["note"][0]
    outsider = client_for(inst_a, plain).post(
        f"/api/development/steps/{letter.pk}/review/", {"decision": "approve"}, content_type="application/json"
    )
    assert outsider.status_code == 404  # the dossier is not in a plain member's view at all
    with in_schema(inst_a):
        assert DossierStep.objects.get(pk=talk.pk).review == "approved"
        assert DossierStep.objects.get(pk=letter.pk).review == "recorded"
