"""Seed the standard rule set with the defaults of docs/domain.md (#organization to #study, #reminders).

Runs in the public schema only: the app is shared, but a migration run for another schema (the
guard costs nothing) must never write a second copy of the standard set. Reversible: the reverse
deletes exactly the rows seeded here (same key and effective date).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations

# Citations. Articles are given where the regulation's article is well known; otherwise the
# regulation alone, and "local practice" where docs/domain.md#local-practice says the number is a local rule.
CONSTITUTION = "《中国共产党章程》"
BRANCH_REG = "《中国共产党支部工作条例（试行）》(2018)"
ELECTION_REG = "《中国共产党基层组织选举工作条例》(2020)"
DEVELOPMENT_REG = "《中国共产党发展党员工作细则》(2014)"
EDUCATION_REG = "《中国共产党党员教育管理工作条例》(2019)"
DUES_REG = "《关于中国共产党党费收缴、使用和管理的规定》(2008)"
LOCAL = "local practice"

BASE = date(2000, 1, 1)

DUES_BRACKETS = [
    {"category": "employed", "up_to": "3000", "percent": "0.5"},
    {"category": "employed", "up_to": "5000", "percent": "1"},
    {"category": "employed", "up_to": "10000", "percent": "1.5"},
    {"category": "employed", "up_to": None, "percent": "2"},
    {"category": "retiree", "up_to": "5000", "percent": "0.5"},
    {"category": "retiree", "up_to": None, "percent": "1"},
]

# (key, value, unit, title, citation)
RULES: list[tuple[str, Any, str, str, str]] = [
    ("branch.min_full_members", 3, "members", "成立党支部的最少正式党员数", f"{BRANCH_REG} 第五条"),
    ("branch.committee_threshold", 7, "members", "设立支部委员会的正式党员数", BRANCH_REG),
    ("branch.committee_min_positions", 3, "positions", "视为已设支委会的最少委员职务数", LOCAL),
    ("branch.max_members", 50, "members", "党支部党员人数上限（一般）", BRANCH_REG),
    ("party_group.min_members", 3, "members", "党小组最少党员数", BRANCH_REG),
    ("term.branch_years", 3, "years", "党支部、党总支委员会每届任期", ELECTION_REG),
    ("term.second_level_years", 5, "years", "院系党委每届任期", ELECTION_REG),
    ("term.committee_years", 5, "years", "校党委（基层党委）每届任期", ELECTION_REG),
    ("term.warning_days", 90, "days", "换届提前提醒天数", LOCAL),
    ("development.min_age", 18, "years", "申请入党最低年龄", f"{CONSTITUTION} 第一条"),
    ("development.application_talk_months", 1, "months", "收到入党申请后谈话期限", DEVELOPMENT_REG),
    ("development.activist_min_months", 12, "months", "积极分子培养考察最短期限", DEVELOPMENT_REG),
    ("development.activist_assessment_months", 6, "months", "积极分子考察间隔", DEVELOPMENT_REG),
    ("development.training_min_days", 3, "days", "发展对象集中培训最少天数", DEVELOPMENT_REG),
    ("development.training_min_hours", 24, "hours", "发展对象集中培训最少学时", DEVELOPMENT_REG),
    ("development.publicity_working_days", 5, "working_days", "发展对象公示最少工作日", LOCAL),
    ("development.approval_months", 3, "months", "上级党委审批期限", DEVELOPMENT_REG),
    ("development.approval_max_months", 6, "months", "上级党委审批最长期限", DEVELOPMENT_REG),
    ("probation.months", 12, "months", "预备期", f"{CONSTITUTION} 第七条"),
    ("probation.extension_min_months", 6, "months", "延长预备期最短", DEVELOPMENT_REG),
    ("probation.extension_max_months", 12, "months", "延长预备期最长", f"{CONSTITUTION} 第七条"),
    ("meetings.member_meeting_months", 3, "months", "支部党员大会间隔", BRANCH_REG),
    ("meetings.committee_meeting_months", 1, "months", "支委会间隔", BRANCH_REG),
    ("meetings.group_meeting_months", 1, "months", "党小组会间隔", BRANCH_REG),
    ("meetings.lecture_months", 3, "months", "党课间隔", BRANCH_REG),
    ("meetings.theme_day_months", 1, "months", "主题党日间隔", BRANCH_REG),
    ("meetings.life_meeting_months", 12, "months", "组织生活会间隔", BRANCH_REG),
    ("meetings.appraisal_months", 12, "months", "民主评议党员间隔", BRANCH_REG),
    ("study.member_hours", 32, "hours", "党员每年学习学时", EDUCATION_REG),
    ("study.cadre_hours", 56, "hours", "支部书记、支委每年学习学时", EDUCATION_REG),
    ("dues.brackets", DUES_BRACKETS, "percent", "党费交纳比例（按月工资）", DUES_REG),
    ("dues.student_monthly_yuan", "0.20", "yuan", "学生等每月交纳党费", DUES_REG),
    ("dues.max_arrears_months", 6, "months", "党费最长拖欠月数", f"{CONSTITUTION} 第九条"),
    ("dues.voluntary_remit_yuan", "1000", "yuan", "一次性自愿多交全额上缴起点", DUES_REG),
    ("transfer.letter_validity_days", 90, "days", "组织关系介绍信有效期", LOCAL),
    ("retained.max_years", 2, "years", "毕业生组织关系在校保留最长年限", EDUCATION_REG),
    ("abroad.contact_months", 6, "months", "出国（境）党员联系间隔", EDUCATION_REG),
    ("audit.retention_days", 180, "days", "审计日志最短保存天数", "《中华人民共和国网络安全法》第二十一条"),
]


def seed(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    StandardRule = apps.get_model("rules", "StandardRule")
    StandardRule.objects.bulk_create(
        [
            StandardRule(key=key, value=value, unit=unit, title=title, citation=citation, effective_from=BASE)
            for key, value, unit, title, citation in RULES
        ],
        ignore_conflicts=True,
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    StandardRule = apps.get_model("rules", "StandardRule")
    StandardRule.objects.filter(key__in=[rule[0] for rule in RULES], effective_from=BASE).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
