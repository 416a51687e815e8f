"""The alias table (别名表): the other names a roster's columns go by and the other ways its values
are written, as rosters really arrive: exports of the national party-member information system
(全国党员管理信息系统, docs/domain.md#member-record) and spreadsheets typed in its column names.

One table, read everywhere: the header row is found and its columns mapped with it (reading.py,
``column_map``), choice cells are looked up in it (row_checks.py), and the template's 说明 sheet,
the import page and docs/imports.md list it (``help_rows``, ``markdown``): what is documented is
what is accepted.

Before any lookup a header or a value is normalized: Unicode NFKC (full-width digits, letters,
brackets and slashes typed by Chinese input methods become ASCII), every space removed (the
ideographic space too), and in a header also the required-column star (*) and a trailing note
such as “（必填）”. Free text (籍贯, 学历, …) is kept as typed, so an exported record imports back
unchanged; in a name only the spaces between two Chinese characters go (“张　三”, padded to line up
with three-character names).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..models import Member
from .columns import _COLUMN_OF, _DATE_FIELDS, COLUMNS, ERROR_COLUMN, Column, choice_labels

_C, _S, _G = Member.Category, Member.Status, Member.Gender

# field -> the column's other names (the template's own name, columns.py, is always accepted).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("党员姓名",),
    "birth_date": ("出生年月日",),
    "national_id": ("公民身份号码", "身份证号码", "居民身份证号码", "身份证件号码", "证件号码"),
    "phone": ("手机号码", "联系电话", "手机", "移动电话"),
    "education": ("最高学历", "文化程度"),
    "degree": ("最高学位",),
    "category": ("人员类型",),
    "number": ("学号", "工号", "学工号", "学号或工号", "职工号", "教工号"),
    "branch": ("所在党支部", "党支部", "支部", "所属党支部", "所属支部", "党支部名称", "支部名称"),
    "status": ("党员状态",),
    "joined_on": ("入党时间", "入党年月日", "加入党组织日期"),
    "confirmed_on": ("转为正式党员日期", "转正时间", "转正年月日"),
}


def _each(words: str, value: str) -> dict[str, str]:
    return dict.fromkeys(words.split(), value)


# field -> other words for a choice -> the record's value. The labels (columns.choice_labels) and
# the values themselves ("staff", as the API writes them) are always accepted.
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "gender": {"男性": _G.MALE, "女性": _G.FEMALE},
    "category": {
        **_each("在校学生 本科生 本科学生 专科生 高职学生 研究生 硕士研究生 博士研究生 硕士生 博士生", _C.STUDENT),
        # 专业技术人员: the professional-technical posts of a university's staffing plan, mostly teachers.
        **_each("专任教师 教学科研人员 专业技术人员", _C.FACULTY),
        **_each("管理人员 党政管理人员 行政人员 教辅人员 工勤人员 工勤技能人员", _C.STAFF),
        **_each("离退休人员 离退休干部 离休 退休 离休人员 退休人员", _C.RETIREE),
    },
    "status": {
        "正式": _S.NORMAL,
        "预备": _S.PROBATIONARY,
        "流动": _S.MOBILE,
        **_each("出国 出境 出国（境）党员 出国出境", _S.ABROAD),
        **_each("保留组织关系 毕业保留 毕业生保留组织关系", _S.RETAINED),
        **_each("失去联系 失联党员", _S.LOST_CONTACT),
        **_each("转出 组织关系已转出", _S.TRANSFERRED_OUT),
        **_each("死亡 去世 逝世 病故", _S.DECEASED),
    },
}

# The ways a date is written that row_checks.parse_date reads, each for 2020-01-02 (tests check it).
DATE_EXAMPLES = ("2020/1/2", "2020.1.2", "2020年1月2日", "20200102", "43832")

# What else is understood in a column that is not a choice, as the 说明 sheet says it.
_NOTES: dict[str, str] = {
    "name": "两个汉字之间用于对齐的空格会去掉（“张　三”读作“张三”）",
    "national_id": "全角数字、小写 x、号码中的空格均可",
    "phone": "全角数字、空格、短横线和 +86 前缀均可",
    "number": "全角数字和字母读作半角",
    "branch": "全角括号和空格不影响匹配",
}
_DATE_NOTE = (
    "也可写作 " + "、".join(DATE_EXAMPLES[:-1]) + f"，或 Excel 的日期单元格、日期序号（如 {DATE_EXAMPLES[-1]}）"
)

_HEADER_NOTE = re.compile(r"\((?:必填|选填|非必填|可选|必填项|选填项)\)$")
_SPACES = re.compile(r"\s+")
_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_CJK_GAP = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


def nfkc(text: str) -> str:
    """Full-width digits, letters, brackets and slashes typed by Chinese input methods -> ASCII."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def header_key(text: str) -> str:
    """A header cell as it is looked up: NFKC, no spaces, no star, no “（必填）” note, no colon."""
    key = re.sub(r"[\s*]", "", nfkc(text))
    return _HEADER_NOTE.sub("", key).rstrip(":")


def value_key(text: str) -> str:
    """A choice, an identifier or a branch name as it is looked up: NFKC, no spaces at all."""
    return _SPACES.sub("", nfkc(text))


def name_text(text: str) -> str:
    """A person's name: trimmed, and no space between two Chinese characters."""
    return _CJK_GAP.sub("", text.strip())


def template_header(field: str) -> str:
    """The field's column in the template ("" for no field)."""
    return _COLUMN_OF.get(field, "")


def accepted_headers(field: str) -> tuple[str, ...]:
    """Every name the field's column may have, the template's first."""
    return (_COLUMN_OF[field], *HEADER_ALIASES.get(field, ()))


FIELD_OF_HEADER: dict[str, str] = {
    header_key(header): column.field for column in COLUMNS for header in accepted_headers(column.field)
}


def choice_lookup(field: str, choices: Any) -> dict[str, str]:
    """value_key(what a cell may say) -> the record's value: labels, values, synonyms."""
    lookup = {value_key(label): value for value, label in choice_labels(choices).items()}
    lookup.update({value_key(str(value)): str(value) for value in choices.values})
    lookup.update({value_key(word): str(value) for word, value in VALUE_ALIASES.get(field, {}).items()})
    return lookup


def header_score(headers: Iterable[str], known: Mapping[str, str] = FIELD_OF_HEADER) -> int:
    """How many fields a candidate header row names (its cells already ``header_key``-ed);
    ``known``: the import kind's headers (the roster's by default)."""
    return len({known[header] for header in headers if header in known})


class ColumnMap:
    """Which column of a file is read for which field. ``headers`` are the file's, normalized."""

    def __init__(self, headers: Sequence[str]) -> None:
        self.headers = list(headers)
        self.fields: list[str | None] = [FIELD_OF_HEADER.get(header) for header in self.headers]
        self.positions: dict[str, int] = {}
        for index, field in enumerate(self.fields):
            if field is not None:
                self.positions.setdefault(field, index)

    def header_of(self, field: str) -> str:
        """The field's column as the file names it (the template's name when it has none)."""
        index = self.positions.get(field)
        return self.headers[index] if index is not None else _COLUMN_OF[field]

    def duplicates(self) -> dict[str, list[str]]:
        """Fields more than one column is read for: field -> those columns' headers."""
        named: dict[str, list[str]] = {}
        for header, field in zip(self.headers, self.fields, strict=True):
            if field is not None:
                named.setdefault(field, []).append(header)
        return {field: headers for field, headers in named.items() if len(headers) > 1}

    def missing(self) -> list[Column]:
        return [column for column in COLUMNS if column.required and column.field not in self.positions]

    def unknown(self) -> list[str]:
        """Named columns nothing is read from (the error report's 错误 column aside)."""
        return [
            header
            for header, field in zip(self.headers, self.fields, strict=True)
            if field is None and header and header != ERROR_COLUMN
        ]

    def as_json(self) -> list[dict[str, str]]:
        """What the job keeps to show: each named column and the field read from it ("" for none)."""
        return [
            {"column": header, "field": field or ""}
            for header, field in zip(self.headers, self.fields, strict=True)
            if header
        ]


def value_aliases_text(column: Column) -> str:
    """The other ways the column's values may be written, as the 说明 sheet says it."""
    if column.choices is not None:
        labels = choice_labels(column.choices)
        by_value: dict[str, list[str]] = {}
        for word, value in VALUE_ALIASES.get(column.field, {}).items():
            by_value.setdefault(str(value), []).append(word)
        return "；".join(f"{'、'.join(words)} → {labels[value]}" for value, words in by_value.items())
    if column.field in _DATE_FIELDS:
        return _DATE_NOTE
    return _NOTES.get(column.field, "")


def help_rows() -> list[tuple[Column, str, str]]:
    """Each column with its other names and the other ways its values may be written."""
    return [(column, "、".join(HEADER_ALIASES.get(column.field, ())), value_aliases_text(column)) for column in COLUMNS]


def markdown() -> str:
    """The alias table as docs/imports.md shows it (tests/members check the two agree)."""
    lines = ["| 列名 | 必填 | 其他可用列名 | 可识别的其他写法 |", "|---|---|---|---|"]
    for column, names, values in help_rows():
        required = "必填" if column.required else "选填"
        lines.append(f"| {column.header} | {required} | {names or '—'} | {values or '—'} |")
    return "\n".join(lines) + "\n"
