"""An indicator system as .xlsx (services/standards/workbook.py): what is exported imports again
unchanged; a bad workbook creates nothing and names every problem with its row."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from services.standards import selectors, services, workbook
from services.standards.models import IndicatorSystem
from services.standards.validation import SystemInvalid
from tests.standards.factories import build_system

pytestmark = pytest.mark.django_db

FIELDS = ("kind", "title", "points", "rule", "deduction", "metric", "threshold", "veto", "description")


def _shape(system: IndicatorSystem) -> list[tuple]:
    return [(depth, number, *(getattr(n, f) for f in FIELDS)) for n, depth, number in selectors.tree(system)]


def test_an_exported_system_imports_again_unchanged(committee_user) -> None:
    system = build_system(committee_user, kind="medical")
    services.system_update(system=system, closes_on=date(2027, 1, 31), acting_user=committee_user)
    data = workbook.export(system)
    copy = workbook.import_system(upload=io.BytesIO(data), filename="x.xlsx", acting_user=committee_user)
    assert copy.pk != system.pk and copy.status == "draft"
    assert _shape(copy) == _shape(system)
    settings = (
        "name",
        "institution_kind",
        "year",
        "total_points",
        "grades",
        "veto_grade",
        "veto_cap",
        "standardized_min",
    )
    assert [getattr(copy, f) for f in settings] == [getattr(system, f) for f in settings]


def _broken(system: IndicatorSystem, edit) -> io.BytesIO:
    book = load_workbook(io.BytesIO(workbook.export(system)))
    edit(book["指标"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_a_bad_workbook_creates_nothing_and_names_the_rows(committee_user) -> None:
    system = build_system(committee_user)
    before = IndicatorSystem.objects.count()

    def edit(sheet) -> None:
        sheet["E3"] = "二十"  # 三会一课's points: not a number
        sheet["H10"] = "no.such"  # 学时达标's metric
        sheet["B2"] = "1.1"  # 组织建设 under its own item: a cycle

    with pytest.raises(SystemInvalid) as caught:
        workbook.import_system(upload=_broken(system, edit), filename="x.xlsx", acting_user=committee_user)
    text = [str(p) for p in caught.value.problems]
    assert "“指标”表第 3 行：分值“二十”不是数字" in text
    assert "“指标”表第 10 行：计分规则引用了不存在的指标“no.such”" in text
    assert "“指标”表第 2 行：上级指标形成了循环（指标不能是自己的下级）" in text
    assert IndicatorSystem.objects.count() == before


def test_a_file_that_is_not_a_workbook_is_refused(committee_user) -> None:
    with pytest.raises(SystemInvalid, match=r"请上传 \.xlsx"):
        workbook.import_system(upload=io.BytesIO(b"not a zip"), filename="x.xlsx", acting_user=committee_user)
