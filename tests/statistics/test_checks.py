"""Bad input: a template whose cross-checks fail on the data says, in Chinese, which check, which
table, row and column, and the two values; a template that names what does not exist is refused
when it is loaded, naming the place."""

from __future__ import annotations

import copy
import json

import pytest

from services.statistics.filling import checks_run, tables_fill
from services.statistics.template import EDITIONS_DIR, TemplateError, edition_for, edition_from_data

from .conftest import YEAR, World

pytestmark = pytest.mark.django_db


def _data() -> dict:
    return json.loads((EDITIONS_DIR / "edu-2024.json").read_text(encoding="utf-8"))


def test_a_failing_check_names_the_tables_rows_columns_and_both_values(world: World) -> None:
    data = _data()
    # A wrong edition: the women alone must equal the total.
    data["checks"] = [{"id": "bad", "label": "女 = 党员总数", "left": ["t1/total/female"], "op": "=",
                       "right": ["t1/total/total"]}]  # fmt: skip
    filled = tables_fill(edition=edition_from_data(data), year=YEAR)
    assert not filled.passed
    [failure] = filled.failures
    assert failure.message == (
        "校验“女 = 党员总数”未通过：表1 党员数量及构成“合计”行“女”列为 2，"
        "表1 党员数量及构成“合计”行“党员总数”列为 5，两者应相等。"
    )


def test_a_sum_over_columns_is_named_once_with_its_columns() -> None:
    edition = edition_for(YEAR)
    cells = {"t1": {"total": {"total": 10, "male": 3, "female": 4}}}
    gender = [c for c in checks_run(edition=edition, cells=cells) if c.check.id == "gender" and c.row == "total"]
    assert gender[0].message == (
        "校验“男 + 女 = 党员总数”未通过：表1 党员数量及构成“合计”行“男”、“女”列之和为 7，"
        "表1 党员数量及构成“合计”行“党员总数”列为 10，两者应相等。"
    )


def test_a_template_naming_an_unknown_count_is_refused_with_the_place() -> None:
    data = copy.deepcopy(_data())
    data["tables"][0]["columns"][1]["count"] = ["members.height=tall"]
    with pytest.raises(TemplateError, match=r"表1 党员数量及构成“学生”行“男”列的统计口径“members\.height=tall”不存在"):
        edition_from_data(data)


def test_a_check_naming_a_missing_cell_is_refused() -> None:
    data = _data()
    data["checks"][0]["right"] = ["t1/{row}/nobody"]
    with pytest.raises(TemplateError, match="引用的单元格“t1/student/nobody”在表1 党员数量及构成中不存在"):
        edition_from_data(data)


def test_a_year_no_edition_covers_is_said_plainly() -> None:
    with pytest.raises(TemplateError, match="1999 年度没有适用的统计模板"):
        edition_for(1999)
