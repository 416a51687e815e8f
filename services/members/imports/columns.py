"""The roster file format: its columns (fixed Chinese headers, the exporter's), the choice labels
written in files, and the limits of a file."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils import translation

from .. import national_id
from ..models import Member

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 10  # Chinese rosters often carry a title row or two above the header
PROGRESS_EVERY = 2000
ERROR_COLUMN = "错误"
TEMPLATE_SHEET = "党员名册"
HELP_SHEET = "说明"
EXTENSIONS = (".xlsx", ".csv")
_EXAMPLE_ID = "11010819900517003" + national_id.check_digit("11010819900517003")


@dataclass(frozen=True)
class Column:
    """One column of the roster file. The header, meaning, format and example describe a Chinese
    file format (like the national system's) and stay Chinese whatever the interface language."""

    header: str
    field: str
    required: bool  # the column must be in the file and every cell of it filled
    meaning: str
    format: str  # for a choice column: empty, the labels are listed (column_format)
    example: str
    choices: type[TextChoices] | None = None


def choice_labels(choices: type[TextChoices]) -> dict[str, str]:
    """value -> the Chinese label written in files (the labels are the msgids)."""
    with translation.override("zh-hans"):
        return {str(value): str(label) for value, label in choices.choices}


def column_format(column: Column) -> str:
    # Computed on use: labels are lazy translations, not available while modules load.
    return " / ".join(choice_labels(column.choices).values()) if column.choices else column.format


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", True, "党员姓名，与身份证一致", "文字，最多 50 字", "张三"),
    Column("性别", "gender", False, "留空则按身份证号判断；填写时须与身份证号一致", "", "男", Member.Gender),
    Column("民族", "ethnicity", False, "留空时：新建档案记为汉族，已有档案不变", "民族全称，最多 20 字", "汉族"),
    Column("出生日期", "birth_date", False, "留空则按身份证号填写；填写时须与身份证号一致", "YYYY-MM-DD", "1990-05-17"),
    Column(
        "身份证号",
        "national_id",
        True,
        "18 位公民身份号码，用它识别同一个人：已有档案则更新，没有则新建",
        "18 位，末位可为 X；请把该列设为“文本”格式，否则表格软件会把号码改成科学计数法",
        _EXAMPLE_ID,
    ),
    Column("手机号", "phone", False, "本人手机号码", "11 位数字，可留空", "13800138000"),
    Column("籍贯", "native_place", False, "籍贯", "文字，最多 50 字", "山东济南"),
    Column("学历", "education", False, "最高学历", "文字，最多 20 字", "大学本科"),
    Column("学位", "degree", False, "最高学位", "文字，最多 20 字", "学士"),
    Column("人员类别", "category", True, "人员类别", "", "教师", Member.Category),
    Column("学号/工号", "number", False, "学生填学号，教职工填工号", "文字，最多 30 字", "T2001001"),
    Column(
        "所在支部",
        "branch",
        True,
        "所在党支部的名称，须与系统组织架构中的名称完全一致，且在您的管理范围内",
        "党支部全称",
        "计算机学院教工第一党支部",
    ),
    Column(
        "党籍状态",
        "status",
        True,
        "新建档案按此登记；已有档案的状态变更须在档案中办理，导入时须与档案一致",
        "",
        "正式党员",
        Member.Status,
    ),
    Column("入党日期", "joined_on", False, "成为预备党员的日期", "YYYY-MM-DD", "2012-06-30"),
    Column("转正日期", "confirmed_on", False, "转为正式党员的日期；预备党员不填", "YYYY-MM-DD", "2013-06-30"),
    Column(
        "保留组织关系起始日期",
        "retained_since",
        False,
        "党籍状态为“毕业保留组织关系”的党员填写：毕业后开始在校保留组织关系的日期，"
        "用于保留期满（一般为 2 年）前的提醒；其他党员不填。已登记的日期不会因留空而清除",
        "YYYY-MM-DD",
        "2025-07-01",
    ),
)
HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)
_BY_HEADER = {column.header: column for column in COLUMNS}
_TEXT_LIMITS: dict[str, int] = {
    name: int(Member._meta.get_field(name).max_length or 0)  # type: ignore[union-attr]
    for name in ("name", "ethnicity", "native_place", "education", "degree", "number")
}
# Not a field of Member: recorded as a status change in the member's history (writing.py).
RETAINED_SINCE = "retained_since"
_DATE_FIELDS = ("birth_date", "joined_on", "confirmed_on", RETAINED_SINCE)
_COLUMN_OF = {column.field: column.header for column in COLUMNS}
