"""The institution's page, API and .xlsx export: its administrators only; the workbook has one
sheet per table with the template's headers (merged where grouped) and numbers; a failing check
needs an explicit confirmation and then leads the workbook."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from services.statistics import views
from services.statistics.filling import CheckResult
from services.statistics.template import Check
from services.statistics.xlsx import FAILURES_SHEET
from tenants.models import Institution
from tests.conftest import client_for, make_user

from .conftest import YEAR, World

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_filled_tables_and_checks(inst_a: Institution, world: World) -> None:
    response = client_for(inst_a, world.admin).get("/statistics/", {"year": YEAR})
    assert response.status_code == 200
    body = response.content.decode()
    assert "表1 党员数量及构成" in body and "校验全部通过" in body
    assert "测名" not in body  # counts, never names


def test_a_member_may_not_see_the_tables(inst_a: Institution, world: World) -> None:
    member = make_user(inst_a, username="st_member")
    assert client_for(inst_a, member).get("/statistics/").status_code == 403
    assert client_for(inst_a, member).get("/api/statistics/tables/").status_code == 403


def test_the_xlsx_has_one_sheet_per_table_with_headers_and_numbers(inst_a: Institution, world: World) -> None:
    response = client_for(inst_a, world.admin).post("/statistics/export/", {"year": YEAR})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["表1 党员数量及构成", "表2 党员学历"] and len(book.sheetnames) == 8
    sheet = book["表1 党员数量及构成"]
    assert sheet["A1"].value == "表1 党员数量及构成"
    # Two header rows: "项目" and "党员总数" span both, "性别" spans 男 and 女.
    assert (sheet["A3"].value, sheet["B3"].value, sheet["C3"].value, sheet["C4"].value, sheet["D4"].value) == (
        "项目", "党员总数", "性别", "男", "女",
    )  # fmt: skip
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A3:A4", "B3:B4", "C3:D3", "F3:G3"} <= merged
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["合计"] == (5, 3, 2, 1, 4, 1)
    assert all(isinstance(v, int) for values in rows.values() for v in values)


def _failing(monkeypatch: pytest.MonkeyPatch) -> None:
    real = views.tables_fill

    def fill(**kwargs: object) -> object:
        filled = real(**kwargs)  # type: ignore[arg-type]
        check = Check(id="x", label="测试校验", left=(), op="=", right=())
        filled.checks.append(CheckResult(check, "", 1, 2, False, "校验“测试校验”未通过：1 与 2 不相等。"))
        return filled

    monkeypatch.setattr(views, "tables_fill", fill)


def test_exporting_failed_checks_needs_a_confirmation_and_lists_them_first(
    inst_a: Institution, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing(monkeypatch)
    client = client_for(inst_a, world.admin)
    page = client.get("/statistics/", {"year": YEAR}).content.decode()
    assert "1 项校验未通过" in page and "仍要导出" in page
    refused = client.post("/statistics/export/", {"year": YEAR})
    assert refused.status_code == 400 and "有 1 项校验未通过" in refused.content.decode()
    response = client.post("/statistics/export/", {"year": YEAR, "confirm": "1"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == FAILURES_SHEET
    assert book[FAILURES_SHEET]["A2"].value == "校验“测试校验”未通过：1 与 2 不相等。"


def test_the_api_returns_the_cells_and_checks(inst_a: Institution, world: World) -> None:
    response = client_for(inst_a, world.admin).get("/api/statistics/tables/", {"year": YEAR})
    assert response.status_code == 200
    data = response.json()
    assert data["edition"] == "edu-2024" and data["passed"] is True
    assert data["tables"][0]["cells"]["total"]["total"] == 5
    export = client_for(inst_a, world.admin).get("/api/statistics/tables/export/", {"year": YEAR})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_year_without_an_edition_is_a_clear_400(inst_a: Institution, world: World) -> None:
    response = client_for(inst_a, world.admin).get("/api/statistics/tables/", {"year": 2001})
    assert response.status_code == 400 and "参数 year 必须是 2024 至 2030 之间的整数" in response.content.decode()
    page = client_for(inst_a, world.admin).get("/statistics/", {"year": 2001})
    assert page.status_code == 400 and "2001 年度没有适用的统计模板" in page.content.decode()
