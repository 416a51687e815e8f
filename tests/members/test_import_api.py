"""The roster import API: the same job as the import page — upload, poll, confirm — for API
clients (the roster had no API at all)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from services.accounts.models import User
from services.members import tasks
from services.members.models import ImportJob, Member
from services.organization.models import Position
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.members.helpers import build_tree, person, unit_admin
from tests.members.test_import import row, xlsx


@dataclass
class World:
    admin: User  # unit admin of the college: manages X and Y
    secretary: User  # secretary of branch X
    viewer: User  # propaganda commissioner of X: sees, does not manage


@pytest.fixture
def world(inst_a: Institution) -> Iterator[World]:
    with in_schema(inst_a):
        tree = build_tree()
        yield World(
            admin=unit_admin(tree.college, "college_admin"),
            secretary=person(tree.branch_x, "sec_x", Position.Kind.SECRETARY),
            viewer=person(tree.branch_x, "prop_x", Position.Kind.PROPAGANDA),
        )


def _upload(client, content: bytes, name: str = "名册.xlsx"):  # type: ignore[no-untyped-def]
    return client.post("/api/members/imports/", {"file": SimpleUploadedFile(name, content)})


def test_a_roster_uploaded_through_the_api_is_validated_previewed_confirmed_and_committed(
    inst_a: Institution, world: World
) -> None:
    client = client_for(inst_a, world.admin)
    started = _upload(client, xlsx([row(姓名="李四", **{"学号/工号": "S2020002"})]))
    assert started.status_code == 202, started.content
    job_id = started.json()["id"]
    assert started.json()["status"] == ImportJob.Status.VALIDATING

    tasks.validate_import.run(inst_a.schema_name, job_id)
    preview = client.get(f"/api/members/imports/{job_id}/").json()
    assert (preview["status"], preview["created"], preview["error_count"]) == (ImportJob.Status.PREVIEW, 1, 0)

    confirmed = client.post(f"/api/members/imports/{job_id}/confirm/")
    assert confirmed.status_code == 202 and confirmed.json()["status"] == ImportJob.Status.COMMITTING
    tasks.commit_import.run(inst_a.schema_name, job_id)
    assert client.get(f"/api/members/imports/{job_id}/").json()["status"] == ImportJob.Status.DONE
    with in_schema(inst_a):
        assert Member.objects.filter(name="李四").exists()
    again = client.post(f"/api/members/imports/{job_id}/confirm/")
    assert again.status_code == 409 and again.json()["code"] == "not_confirmable"


def test_a_roster_with_errors_reports_them_and_cannot_be_confirmed(inst_a: Institution, world: World) -> None:
    client = client_for(inst_a, world.admin)
    job_id = _upload(client, xlsx([row(身份证号="110108199506010000")])).json()["id"]
    tasks.validate_import.run(inst_a.schema_name, job_id)
    report = client.get(f"/api/members/imports/{job_id}/").json()
    assert report["status"] == ImportJob.Status.INVALID and report["errors"][0]["row"] == 2
    assert client.post(f"/api/members/imports/{job_id}/confirm/").status_code == 409


def test_only_a_file_of_a_roster_type_is_accepted(inst_a: Institution, world: World) -> None:
    response = _upload(client_for(inst_a, world.admin), b"MZ\x90\x00", name="名册.exe")
    assert response.status_code == 400 and "xlsx" in response.content.decode()
    assert client_for(inst_a, world.admin).post("/api/members/imports/", {}).status_code == 400


def test_someone_who_manages_nothing_may_not_import(inst_a: Institution, world: World) -> None:
    response = _upload(client_for(inst_a, world.viewer), xlsx([row()]))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_another_users_job_is_a_404(inst_a: Institution, world: World) -> None:
    job_id = _upload(client_for(inst_a, world.admin), xlsx([row()])).json()["id"]
    other = client_for(inst_a, world.secretary)
    assert other.get(f"/api/members/imports/{job_id}/").status_code == 404
    assert other.post(f"/api/members/imports/{job_id}/confirm/").status_code == 404
