"""账号管理 and the activation API: numbers per branch of the manager's scope (aggregated: the
query count does not grow with the branches), a branch's people without codes, the pages'
issue → progress → one download, and the API's run, download and status, scope-checked."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services.accounts.models import ActivationCode, User
from services.accounts.services import api_token_create
from services.activation.models import SlipJob
from services.activation.selection import Selection
from services.activation.slips import slip_job_start
from services.activation.status import branch_statuses
from services.members.models import Member
from services.organization.models import OrgUnit, Position
from services.organization.services import org_unit_create
from tenants.models import Institution
from tests.conftest import client_for, host_of, in_schema
from tests.factories import MemberFactory
from tests.members.helpers import build_tree, person, unit_admin


@pytest.fixture
def world(inst_a: Institution):  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        tree = build_tree()
        secretary = person(tree.branch_x, "sec_x", Position.Kind.SECRETARY, name="书记")
        dean = unit_admin(tree.college, "college_admin")
        plain = person(tree.branch_x, "plain_x", name="群众甲")
        for i in range(3):
            MemberFactory(branch=tree.branch_x, name=f"甲{i}")
        MemberFactory(branch=tree.branch_y, name="乙一")
        MemberFactory(branch=tree.branch_z, name="丙一")
        MemberFactory(branch=tree.branch_x, name="已去世", status=Member.Status.DECEASED)
    return SimpleNamespace(tree=tree, secretary=secretary, dean=dean, plain=plain)


def _api(institution: Institution, user: User) -> Client:
    with in_schema(institution):
        _, raw = api_token_create(user=user, name="t")
    return Client(HTTP_HOST=host_of(institution), HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_numbers_per_branch_of_the_scope(inst_a: Institution, world) -> None:  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        world.secretary.activated_at = timezone.now()
        world.secretary.last_login = timezone.now()
        world.secretary.save(update_fields=["activated_at", "last_login"])
        slip_job_start(
            acting_user=world.dean,
            selection=Selection(unit_id=world.tree.branch_y.pk),
            valid_days=7,
            schema_name=inst_a.schema_name,
            language="zh-hans",
        )
        rows = {row.name: row for row in branch_statuses(acting_user=world.dean)}
        assert set(rows) == {"X支部", "Y支部"}  # the college's branches; Z is another college's
        x, y = rows["X支部"], rows["Y支部"]
        assert (x.members, x.accounts, x.activated, x.not_activated, x.slips) == (5, 2, 1, 4, 0)
        assert x.last_login is not None
        assert (y.members, y.accounts, y.activated, y.slips, y.slips_pending) == (1, 1, 0, 1, 1)
        assert set(r.name for r in branch_statuses(acting_user=world.secretary)) == {"X支部"}
        assert branch_statuses(acting_user=world.plain) == []


def test_the_status_query_count_does_not_grow_with_branches(inst_a: Institution, world) -> None:  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        branch_statuses(acting_user=world.dean)  # the schema selected once
        with CaptureQueriesContext(connection) as few:
            branch_statuses(acting_user=world.dean)
        for i in range(4):
            branch = org_unit_create(name=f"新支部{i}", kind=OrgUnit.Kind.BRANCH, parent=world.tree.college)
            MemberFactory(branch=branch)
        with CaptureQueriesContext(connection) as many:
            assert len(branch_statuses(acting_user=world.dean)) == 6
        assert len(many.captured_queries) == len(few.captured_queries) <= 5


def test_pages_issue_then_download_once(inst_a: Institution, world) -> None:  # type: ignore[no-untyped-def]
    client = client_for(inst_a, world.secretary)
    page = client.get("/accounts/manage/")
    assert page.status_code == 200 and "X支部" in page.content.decode() and "Y支部" not in page.content.decode()
    with in_schema(inst_a):
        x, y = world.tree.branch_x.pk, world.tree.branch_y.pk
    people = client.get(f"/accounts/manage/units/{x}/").content.decode()
    assert "甲0" in people and "已去世" not in people
    assert client.get(f"/accounts/manage/units/{y}/").status_code == 403
    preview = client.get(f"/accounts/manage/slips/?unit={x}&not_activated=on&valid_days=14")
    assert preview.status_code == 200 and preview.context["count"] == 5
    refused = client.post("/accounts/manage/slips/", {"unit": y, "valid_days": 14, "not_activated": "on"})
    assert refused.status_code == 200 and "无权" in refused.content.decode()
    issued = client.post("/accounts/manage/slips/", {"unit": x, "valid_days": 14, "not_activated": "on"})
    assert issued.status_code == 302
    with in_schema(inst_a):
        job = SlipJob.objects.get()
        assert job.status == SlipJob.Status.READY and ActivationCode.objects.count() == 5
    assert client.get(issued.url).status_code == 200
    assert client_for(inst_a, world.dean).post(f"{issued.url}download/").status_code == 404  # not the issuer's
    pdf = client.post(f"{issued.url}download/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    again = client.post(f"{issued.url}download/")
    assert again.status_code == 302
    assert client_for(inst_a, world.plain).get("/accounts/manage/").status_code == 403


def test_api_runs_downloads_and_reports(inst_a: Institution, world) -> None:  # type: ignore[no-untyped-def]
    api = _api(inst_a, world.dean)
    with in_schema(inst_a):
        college, z = world.tree.college.pk, world.tree.branch_z.pk
    refused = api.post("/api/activation/sheets/", {"unit": z}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["detail"]
    bad = api.post("/api/activation/sheets/", {"unit": college, "valid_days": 99}, content_type="application/json")
    assert bad.status_code == 400 and "valid_days" in bad.json()
    started = api.post("/api/activation/sheets/", {"unit": college}, content_type="application/json")
    assert started.status_code == 202
    body = api.get(f"/api/activation/sheets/{started.json()['id']}/").json()
    assert body["status"] == "ready" and body["total"] == 6 and body["download_url"]
    assert _api(inst_a, world.secretary).get(body["download_url"]).status_code == 404
    pdf = api.get(body["download_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert api.get(body["download_url"]).status_code == 400
    status = api.get("/api/activation/status/").json()
    assert {row["name"]: row["slips"] for row in status} == {"X支部": 5, "Y支部": 1}
    assert _api(inst_a, world.plain).get("/api/activation/status/").status_code == 403
