"""An institution's administrators see their own institution's dashboard on its host: the same
drill-down the committee sees, from the same facts, and never another institution's."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tenants.models import Institution
from tests.api.helpers import admin_client
from tests.conftest import client_for, in_schema, make_user
from tests.factories import MemberFactory
from tests.oversight.helpers import fact

pytestmark = pytest.mark.django_db


def test_an_institution_admin_sees_their_colleges_and_branches(inst_a: Institution, inst_b: Institution) -> None:
    fact(inst_a, "orglife.held", 30, 40)
    fact(inst_a, "orglife.held", 8, 10, path="1.4.", kind="second_level")
    fact(inst_a, "orglife.held", 3, 3, path="1.4.17.", kind="branch")
    fact(inst_b, "orglife.held", 1, 10, path="1.9.", kind="second_level")
    client, _admin = admin_client(inst_a)
    page = client.get("/dashboard/?year=2026").content.decode()
    assert "1.4." in page and "80%" in page and "1.9." not in page  # beta's unit is not alpha's
    branches = client.get("/dashboard/?year=2026&unit=1.4.").content.decode()
    assert "1.4.17." in branches and "&lt; 5" in branches
    book = load_workbook(io.BytesIO(client.get("/dashboard/?year=2026&unit=1.4.&export=xlsx").content))
    assert [r[0] for r in book.worksheets[0].iter_rows(values_only=True)] == ["组织（编号）", "1.4.", "1.4.17."]
    assert client.get("/dashboard/?year=2026&export=pdf").content.startswith(b"%PDF")
    assert "/dashboard/" in client.get("/").content.decode()  # the navigation's entry


def test_others_in_the_institution_are_refused(inst_a: Institution) -> None:
    member_user = make_user(inst_a, username="plainmember")
    with in_schema(inst_a):
        MemberFactory(user=member_user)
    assert client_for(inst_a, member_user).get("/dashboard/").status_code == 403
    assert "/dashboard/" not in client_for(inst_a, member_user).get("/").content.decode()


def test_on_its_own_host_the_institution_sees_its_units_by_name_and_the_committee_by_ids(
    inst_a: Institution, committee_user: object
) -> None:
    from services.organization.models import OrgUnit
    from tests.factories import OrgUnitFactory

    with in_schema(inst_a):
        college = OrgUnitFactory(name="机械学院党委", kind=OrgUnit.Kind.SECOND_LEVEL)
    fact(inst_a, "orglife.held", 30, 40)
    fact(inst_a, "orglife.held", 8, 10, path=college.path, kind="second_level")
    client, _admin = admin_client(inst_a)
    own = client.get("/dashboard/?year=2026").content.decode()
    assert "机械学院党委" in own and "80%" in own
    console = client_for(None, committee_user).get(f"/dashboard/schools/{inst_a.code}/?year=2026")
    assert console.status_code == 200
    page = console.content.decode()
    assert college.path in page and "机械学院党委" not in page  # the public schema holds no names
