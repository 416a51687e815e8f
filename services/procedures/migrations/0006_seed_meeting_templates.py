"""Publish version 1 of the meeting templates: for each meeting type its agenda steps in order,
which steps need a record in the minutes, and the minutes' sections (docs/domain.md#orglife-templates).

Sources: 《中国共产党支部工作条例（试行）》(2018) for the branch's meetings (支部党员大会, 支委会,
党小组会, 党课, 组织生活会 and its order: study, self-examination, criticism and self-criticism,
rectification), 《中国共产党党员教育管理工作条例》(2019) for the theme party day, the democratic
appraisal and heart-to-heart talks, and 《中国共产党发展党员工作细则》(2014) 第二十一条 for the order
of business of the branch member meeting that admits a probationary member. The citations name
the regulation only where the article is not verified (a wrong article is worse than none).

Runs in the public schema only (the app is shared). Reversible: the reverse deletes version 1.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations

BRANCH = "《中国共产党支部工作条例（试行）》(2018)"
EDUCATION = "《中国共产党党员教育管理工作条例》(2019)"
DEVELOPMENT = "《中国共产党发展党员工作细则》(2014) 第二十一条"
BRANCH_FROM = date(2018, 10, 28)
EDUCATION_FROM = date(2019, 5, 6)
DEVELOPMENT_FROM = date(2014, 6, 10)
VERSION = 1

SECTIONS = [
    ("topics", "会议议题", "本次会议讨论的议题，逐项列出"),
    ("discussion", "讨论情况", "发言人及主要观点"),
    ("resolutions", "会议决议", "形成的决议、决定和工作安排"),
]
LECTURE_SECTIONS = [
    ("topics", "党课主题", "授课人、题目"),
    ("discussion", "授课内容与交流", "主要内容和交流发言"),
    ("resolutions", "学习要求", "会后学习、落实的要求"),
]

# (kind, variant, title, citation, effective_from, sections, steps); a step is
# (code, title, description, record required, what the record holds)
Step = tuple[str, str, str, bool, str]
TEMPLATES: list[tuple[str, str, str, str, date, list[tuple[str, str, str]], list[Step]]] = [
    (
        "member_meeting",
        "",
        "支部党员大会",
        BRANCH,
        BRANCH_FROM,
        SECTIONS,
        [
            ("roll_call", "清点到会人数", "报告应到、实到、请假人数。", False, ""),
            ("agenda", "通报议题", "主持人通报会议议题。", False, ""),
            ("discussion", "讨论议题", "与会党员逐项讨论。", True, "讨论情况记录"),
            ("resolution", "形成决议", "表决或集体决定，宣布结果。", True, "决议内容及表决情况"),
        ],
    ),
    (
        "member_meeting",
        "admission",
        "支部党员大会（接收预备党员）",
        DEVELOPMENT,
        DEVELOPMENT_FROM,
        SECTIONS,
        [
            ("quorum", "清点有表决权的到会人数", "有表决权的到会人数须超过应到会有表决权人数的半数。", True, "应到、实到有表决权人数"),
            ("target_report", "发展对象汇报", "发展对象汇报对党的认识、入党动机、本人履历、家庭和主要社会关系情况，以及需要向党组织说明的问题。", True, "汇报要点"),
            ("sponsors", "入党介绍人介绍情况", "入党介绍人介绍发展对象有关情况，并对其能否入党表明意见。", True, "介绍人意见"),
            ("committee_report", "支部委员会报告审查情况", "支部委员会报告对发展对象的审查情况。", True, "审查情况"),
            ("discussion", "与会党员讨论", "与会党员对发展对象能否入党进行充分讨论。", True, "讨论发言记录"),
            ("ballot", "无记名投票表决", "采取无记名投票方式表决；赞成人数超过应到会有表决权的正式党员的半数，才能通过。", True, "赞成、反对、弃权票数"),
            ("resolution", "形成决议", "宣布表决结果，形成接收预备党员的决议。", True, "支部党员大会决议"),
        ],
    ),
    (
        "committee_meeting",
        "",
        "支部委员会会议",
        BRANCH,
        BRANCH_FROM,
        SECTIONS,
        [
            ("quorum", "确认到会人数", "到会支委须超过支部委员会成员的半数。", True, "应到、实到支委"),
            ("agenda", "通报议题", "书记通报会议议题。", False, ""),
            ("discussion", "研究讨论", "支委逐项发表意见。", True, "讨论情况记录"),
            ("decision", "形成决定", "集体讨论作出决定，明确分工。", True, "决定事项"),
        ],
    ),
    (
        "group_meeting",
        "",
        "党小组会",
        BRANCH,
        BRANCH_FROM,
        SECTIONS,
        [
            ("study", "学习", "学习党的理论和上级精神。", True, "学习内容"),
            ("exchange", "交流汇报", "党员汇报思想、工作和学习情况。", True, "发言记录"),
            ("tasks", "布置工作", "传达党支部的工作安排。", False, ""),
        ],
    ),
    (
        "lecture",
        "",
        "党课",
        BRANCH,
        BRANCH_FROM,
        LECTURE_SECTIONS,
        [
            ("lecture", "讲授党课", "授课人讲授党课。", True, "授课提纲或课件"),
            ("exchange", "交流研讨", "听课党员交流学习体会。", False, ""),
        ],
    ),
    (
        "theme_day",
        "",
        "主题党日",
        EDUCATION,
        EDUCATION_FROM,
        SECTIONS,
        [
            ("study", "集中学习", "集中学习党的理论和上级精神。", True, "学习内容"),
            ("activity", "开展活动", "按主题组织活动（志愿服务、参观学习等）。", True, "活动情况（可附照片）"),
            ("exchange", "交流讨论", "党员交流发言。", False, ""),
        ],
    ),
    (
        "life_meeting",
        "",
        "组织生活会",
        BRANCH,
        BRANCH_FROM,
        SECTIONS,
        [
            ("study", "学习", "会前认真学习，谈心谈话，听取意见。", True, "学习内容和征求意见情况"),
            ("self_examination", "对照检查", "党员对照检查，查摆问题。", True, "对照检查材料"),
            ("criticism", "批评与自我批评", "开展批评和自我批评。", True, "批评和自我批评发言记录"),
            ("rectification", "整改清单", "明确整改方向，会后制定整改措施，逐一整改落实。", True, "整改清单"),
        ],
    ),
    (
        "appraisal",
        "",
        "民主评议党员",
        EDUCATION,
        EDUCATION_FROM,
        SECTIONS,
        [
            ("study", "学习教育", "组织党员集中学习。", False, ""),
            ("self_assessment", "个人自评", "党员对照标准进行自我评价。", True, "自评情况"),
            ("peer_rating", "党员互评与民主测评", "党员互评，进行民主测评。", True, "测评结果"),
            ("conclusion", "组织评定", "党支部综合评定，提出评议等次。", True, "评定意见"),
            ("announce", "公布结果", "向党员公布评议结果。", False, ""),
        ],
    ),
    (
        "talk",
        "",
        "谈心谈话",
        EDUCATION,
        EDUCATION_FROM,
        [("topics", "谈话主题", ""), ("discussion", "谈话内容", ""), ("resolutions", "意见建议", "")],
        [("talk", "谈心谈话", "开展谈心谈话，交流思想。", True, "谈话记录")],
    ),
]


def publish(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    Template = apps.get_model("procedures", "MeetingTemplate")
    Step = apps.get_model("procedures", "MeetingStep")
    Section = apps.get_model("procedures", "MinutesSectionTemplate")
    for kind, variant, title, citation, effective_from, sections, steps in TEMPLATES:
        if Template.objects.filter(kind=kind, variant=variant, version=VERSION).exists():
            continue
        template = Template.objects.create(
            kind=kind, variant=variant, version=VERSION, title=title, citation=citation, effective_from=effective_from
        )
        Section.objects.bulk_create(
            [
                Section(template=template, number=number, code=code, title=section_title, hint=hint)
                for number, (code, section_title, hint) in enumerate(sections, start=1)
            ]
        )
        Step.objects.bulk_create(
            [
                Step(
                    template=template,
                    number=number,
                    code=code,
                    title=step_title,
                    description=description,
                    record_required=required,
                    record_hint=hint,
                    citation=citation,
                )
                for number, (code, step_title, description, required, hint) in enumerate(steps, start=1)
            ]
        )


def unpublish(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    apps.get_model("procedures", "MeetingTemplate").objects.filter(version=VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0005_meeting_templates")]

    operations = [migrations.RunPython(publish, unpublish)]
