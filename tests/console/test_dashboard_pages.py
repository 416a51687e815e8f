"""The committee's dashboard pages and API on the console (console/dashboard_views.py,
console/dashboard_api.py): open to committee and operator accounts, refused to others; the exports
re-read; no response carries a name or an id number; ECharts is served from the static files."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from console.models import DashboardSettings
from services.accounts.models import User
from services.audit.models import AuditEvent
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user
from tests.factories import MemberFactory, OrgUnitFactory
from tests.oversight.helpers import fact

pytestmark = pytest.mark.django_db


@pytest.fixture
def facts(inst_a: Institution, inst_b: Institution) -> None:
    fact(inst_a, "members.on_roll", 321)
    fact(inst_a, "orglife.held", 30, 40)
    fact(inst_a, "orglife.held", 8, 10, path="1.4.", kind="second_level")
    fact(inst_a, "orglife.held", 3, 3, path="1.4.17.", kind="branch")
    fact(inst_a, "dues.collected", 9, 10, period="2026-05")
    fact(inst_b, "members.on_roll", 2)


PAGES = (
    "/dashboard/?year=2026",
    "/dashboard/schools/alpha/?year=2026",
    "/dashboard/schools/alpha/?year=2026&unit=1.4.",
)
APIS = (
    "/api/dashboard/schools/?year=2026",
    "/api/dashboard/charts/?year=2026",
    "/api/dashboard/schools/alpha/units/?year=2026&unit=1.4.",
)


def test_the_committee_and_operators_see_the_dashboard(committee_user: User, operator: User, facts: None) -> None:
    for user in (committee_user, operator):
        client = client_for(None, user)
        for url in PAGES + APIS:
            assert client.get(url).status_code == 200, url
    page = client_for(None, committee_user).get("/dashboard/?year=2026").content.decode()
    assert "甲大学" in page and "321" in page and "75%" in page and "&lt; 5" in page  # beta's 2 members
    assert 'data-chart="heatmap"' in page and "echarts-5.6.0.min.js" in page
    drill = client_for(None, committee_user).get("/dashboard/schools/alpha/?year=2026&unit=1.4.").content.decode()
    assert "1.4.17." in drill and "&lt; 5" in drill and "80%" in drill


def test_others_are_refused(inst_a: Institution, facts: None) -> None:
    nobody = make_user(None, username="plain", platform_role="")
    for url in PAGES + APIS:
        assert client_for(None, nobody).get(url).status_code == 403, url
        answer = Client(HTTP_HOST=settings.BASE_DOMAIN).get(url)
        assert answer.status_code in (302, 401), url
    assert (
        client_for(None, make_user(None, username="op2", platform_role="operator"))
        .get("/dashboard/schools/nosuch/")
        .status_code
        == 404
    )
    committee = client_for(None, make_user(None, username="c2", platform_role="committee"))
    assert committee.get("/dashboard/schools/alpha/?unit=1.x.").status_code == 404
    assert committee.get("/api/dashboard/schools/alpha/units/?unit=1.x.").status_code == 400


@pytest.mark.parametrize("year", ["²", "1999", "--5", "2026.0", "9" * 30])
def test_a_year_that_is_not_one_shows_this_years_page(committee_user: User, facts: None, year: str) -> None:
    this_year = timezone.localdate().year
    page = client_for(None, committee_user).get("/dashboard/schools/alpha/", {"year": year})
    assert page.status_code == 200 and page.context["year"] == this_year
    assert f"{this_year} 年党建看板" in page.content.decode()


def test_rankings_are_off_until_the_committee_turns_them_on(committee_user: User, operator: User, facts: None) -> None:
    client = client_for(None, committee_user)
    answer = client.get("/api/dashboard/schools/?year=2026&sort=-orglife.held").json()
    assert answer["rankings"] is False and answer["sort"] == "code" and answer["rows"][0]["rank"] is None
    assert client_for(None, operator).post("/dashboard/rankings/", {"enabled": "1"}).status_code == 403
    assert not DashboardSettings.objects.filter(rankings_enabled=True).exists()
    client.post("/dashboard/rankings/", {"enabled": "1"})
    assert DashboardSettings.objects.get().rankings_enabled
    assert AuditEvent.objects.filter(event="dashboard.rankings_set").exists()
    answer = client.get("/api/dashboard/schools/?year=2026&sort=-members.on_roll").json()
    assert [(r["code"], r["rank"]) for r in answer["rows"]] == [("alpha", 1), ("beta", 2)]
    assert "名次" in client.get("/dashboard/?year=2026&sort=-members.on_roll").content.decode()


def test_every_view_exports_as_xlsx_and_pdf(committee_user: User, facts: None) -> None:
    client = client_for(None, committee_user)
    book = load_workbook(io.BytesIO(client.get("/dashboard/?year=2026&export=xlsx").content))
    schools = book.worksheets[0]
    rows = list(schools.iter_rows(values_only=True))
    assert rows[1][:2] == ("甲大学", "alpha") and 321 in rows[1]
    assert "< 5" in rows[2]  # beta's members
    assert len(book.worksheets) == 3
    drill = load_workbook(io.BytesIO(client.get("/dashboard/schools/alpha/?year=2026&export=xlsx").content))
    assert [r[0] for r in drill.worksheets[0].iter_rows(values_only=True)] == ["组织（编号）", "1.", "1.4."]
    for url in ("/dashboard/?year=2026&export=pdf", "/dashboard/schools/alpha/?year=2026&unit=1.4.&export=pdf"):
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_no_dashboard_response_carries_a_name_or_an_id_number(
    committee_user: User, inst_a: Institution, facts: None
) -> None:
    """Only institutions' names and codes, unit paths of ids, labels and numbers: neither the
    names nor the id numbers of the people behind the facts, nor their units' names."""
    with in_schema(inst_a):
        member = MemberFactory(branch=OrgUnitFactory(name="机械学院第三党支部"))
    people = [member.name, member.national_id, member.national_id[-6:], "机械学院第三党支部"]
    client = client_for(None, committee_user)
    id_number = re.compile(r"\b\d{17}[\dXx]\b")
    urls = [*PAGES, *APIS, "/dashboard/?year=2026&export=xlsx", "/dashboard/schools/alpha/?year=2026&export=xlsx"]
    for url in urls:
        body = client.get(url).content
        text = body.decode() if not url.endswith("xlsx") else _xlsx_text(body)
        assert not id_number.search(text), url
        assert not [p for p in people if p in text], url
    answer = client.get("/api/dashboard/schools/alpha/units/?year=2026").json()
    assert all(set(u["path"]) <= set("0123456789.") for u in answer["children"])
    schools = client.get("/api/dashboard/schools/?year=2026").json()
    assert {row["name"] for row in schools["rows"]} == {"甲大学", "乙学院"}


def _xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row)


def test_the_console_home_links_the_dashboard_and_totals_the_count_facts(committee_user: User, facts: None) -> None:
    page = client_for(None, committee_user).get("/").content.decode()
    assert "/dashboard/" in page
    assert "<b>321</b>" in page  # from the facts: beta's 2 members are suppressed, not summed


def test_the_echarts_file_is_served_from_the_static_files(committee_user: User) -> None:
    from partycloud import vendor

    if not (vendor.STATIC_VENDOR / vendor.ECHARTS.target).exists():
        pytest.skip("ECharts was not fetched from the npm registry (no network when `make test` set up)")
    response = Client(HTTP_HOST=settings.BASE_DOMAIN).get(f"/static/vendor/{vendor.ECHARTS.target}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    assert b"echarts" in body[:2000].lower()


def test_the_vendored_file_is_extracted_only_when_its_integrity_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fetch on a registry of our own (a file:// address): the pinned sha512 must match the
    tarball, or nothing is written."""
    import base64
    import hashlib
    import tarfile

    from partycloud import vendor

    content = b"/* echarts stand-in */"
    tarball = io.BytesIO()
    with tarfile.open(fileobj=tarball, mode="w:gz") as archive:
        info = tarfile.TarInfo("package/dist/echarts.min.js")
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    data = tarball.getvalue()
    registry = tmp_path / "registry"
    (registry / "echarts" / "-").mkdir(parents=True)
    (registry / "echarts" / "-" / "echarts-0.0.1.tgz").write_bytes(data)
    monkeypatch.setenv("NPM_REGISTRY", registry.as_uri())
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    good = vendor.Package("echarts", "0.0.1", integrity, "package/dist/echarts.min.js", "echarts-0.0.1.min.js")
    assert vendor.fetch(good, directory=tmp_path / "out").read_bytes() == content
    bad = vendor.Package("echarts", "0.0.1", vendor.ECHARTS.integrity, good.member, "other.js")
    with pytest.raises(vendor.IntegrityError):
        vendor.fetch(bad, directory=tmp_path / "out")
    assert not (tmp_path / "out" / "other.js").exists()


def test_the_dashboard_api_is_in_the_console_schema(committee_user: User) -> None:
    schema = client_for(None, committee_user).get("/api/schema/", {"format": "json"}).json()
    for route in ("/api/dashboard/schools/", "/api/dashboard/charts/", "/api/dashboard/schools/{code}/units/"):
        assert "get" in schema["paths"][route], route
    names = {p["name"] for p in schema["paths"]["/api/dashboard/schools/"]["get"]["parameters"]}
    assert {"year", "kind", "region", "sort", "page"} <= names
