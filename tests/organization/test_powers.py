"""权限一览: grants and positions, filtered, exported and audited, in a fixed number of queries."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from services.audit.models import AuditEvent
from services.organization import audit_events as org_events
from services.organization import grants
from services.organization.models import AdminGrant, Position
from services.organization.powers import power_holders
from tenants.models import Institution
from tests.conftest import client_for, make_user
from tests.factories import MemberFactory
from tests.organization.conftest import People, Tree


def test_the_list_names_grants_and_positions_with_their_dates_and_granter(
    in_a: Institution, tree: Tree, people: People
) -> None:
    staff = make_user(in_a, username="office", display_name="王芳")
    grants.grant_add(
        user=staff,
        unit=tree.college2,
        role=AdminGrant.Role.UNIT_ADMIN,
        ends_on=date(2099, 1, 1),
        acting_user=people.admin,
    )
    lines = power_holders(acting_user=people.admin)
    by_name = {(line.name, line.role) for line in lines}
    by_account = {(line.username, line.role) for line in lines}
    assert ("王芳", "unit_admin") in by_name and ("branch_secretary", "secretary") in by_name
    assert ("college_admin", "unit_admin") in by_account
    line = next(line for line in lines if line.username == "office")
    assert line.granted_by == "org_admin" and line.ends_on == date(2099, 1, 1) and line.unit_name == tree.college2.name
    in_college2 = power_holders(acting_user=people.admin, unit=tree.college2)
    assert {line.username for line in in_college2} == {"office"}
    secretaries = power_holders(acting_user=people.admin, role="secretary")
    assert {line.role for line in secretaries} == {"secretary"}


def test_the_list_costs_the_same_queries_for_many_holders(in_a: Institution, tree: Tree, people: People) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            power_holders(acting_user=people.admin)
        return len(queries)

    count()  # warm: the first call may load something once per process
    few = count()
    assert few <= 3
    for i in range(15):
        member = MemberFactory(branch=tree.branch2, user=make_user(in_a, username=f"m{i}"))
        Position.objects.create(
            member=member, unit=tree.branch2, kind=Position.Kind.PROPAGANDA, started_on=date(2024, 1, 1)
        )
        AdminGrant.objects.create(
            user=member.user, unit=tree.branch2, role=AdminGrant.Role.UNIT_ADMIN, granted_by=people.admin
        )
    assert count() == few


def test_the_page_filters_and_exports_for_admins_only(in_a: Institution, tree: Tree, people: People) -> None:
    admin = client_for(in_a, people.admin)
    page = admin.get(reverse("organization:powers"), {"role": "secretary"})
    body = page.content.decode()
    assert page.status_code == 200 and "branch_secretary" in body and "college_admin" not in body
    exported = admin.get(reverse("organization:powers"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["姓名", "账号", "角色"] and any(row[1] == "college_admin" for row in rows)
    workbook = admin.get(reverse("organization:powers"), {"format": "xlsx", "unit": tree.college.pk})
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None and sheet.max_row == 3  # header, the college admin, the secretary
    assert AuditEvent.objects.filter(event=org_events.POWERS_EXPORTED.code).count() == 2
    assert client_for(in_a, people.secretary).get(reverse("organization:powers")).status_code == 403
    api = admin.get(reverse("power-holder-list"), {"unit": tree.college.pk}).json()
    assert {row["username"] for row in api} == {"college_admin", "branch_secretary"}
    assert client_for(in_a, people.member).get(reverse("power-holder-list")).status_code == 403
