"""Publish version 1 of the development template: the 5 stages and 25 standard steps of the 2014
《中国共产党发展党员工作细则》 (2 + 4 + 5 + 7 + 7), each with the documents it produces.

Runs in the public schema only (the app is shared). Reversible: the reverse deletes this version.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations

REG = "《中国共产党发展党员工作细则》(2014)"
CODE = "development"
VERSION = 1
EFFECTIVE = date(2014, 6, 10)  # the day the 细则 was issued

STAGES = [
    ("applicant", "申请入党"),
    ("activist", "入党积极分子的确定和培养教育"),
    ("target", "发展对象的确定和考察"),
    ("probationary", "预备党员的接收"),
    ("full", "预备党员的教育考察和转正"),
]

# (stage, code, title, description, documents, article)
STEPS: list[tuple[str, str, str, str, list[str], str]] = [
    # 一、申请入党 (2)
    ("applicant", "application", "递交入党申请书", "本人向工作、学习所在单位党组织提出书面入党申请。", ["入党申请书"], "第六条"),
    ("applicant", "talk", "党组织派人谈话", "党组织收到入党申请书后一个月内派人同入党申请人谈话。", ["谈话记录"], "第七条"),
    # 二、入党积极分子的确定和培养教育 (4)
    (
        "activist",
        "activist_recommend",
        "推荐和确定入党积极分子",
        "采取党员推荐、群团组织推优等方式产生人选，由支部委员会研究决定。",
        ["入党积极分子推荐表", "支委会会议记录"],
        "第八条",
    ),
    ("activist", "activist_filing", "上级党委备案", "确定入党积极分子后报上级党委备案。", ["入党积极分子备案表"], "第八条"),
    (
        "activist",
        "contact_persons",
        "指定培养联系人",
        "党组织指定一至两名正式党员作入党积极分子的培养联系人。",
        ["培养联系人确定记录"],
        "第九条",
    ),
    (
        "activist",
        "activist_training",
        "培养教育考察",
        "党支部每半年对入党积极分子进行一次考察；入党积极分子定期提交思想汇报。",
        ["培养考察登记表", "思想汇报"],
        "第十条、第十一条",
    ),
    # 三、发展对象的确定和考察 (5)
    (
        "target",
        "target_decision",
        "确定发展对象",
        "经过一年以上培养教育和考察，听取党小组、培养联系人、党员和群众意见，支部委员会讨论同意。",
        ["支委会会议记录", "征求意见情况记录"],
        "第十二条",
    ),
    ("target", "target_filing", "报上级党委备案", "确定发展对象后报上级党委备案。", ["发展对象备案表"], "第十二条"),
    ("target", "sponsors", "确定入党介绍人", "发展对象应当有两名正式党员作入党介绍人。", ["入党介绍人确定记录"], "第十三条"),
    ("target", "political_review", "进行政治审查", "对发展对象进行政治审查，形成结论性材料。", ["政审材料", "政审结论"], "第十四条"),
    (
        "target",
        "training",
        "开展集中培训",
        "对发展对象进行短期集中培训，时间一般不少于三天（或不少于24个学时）。",
        ["培训结业证书"],
        "第十七条",
    ),
    # 四、预备党员的接收 (7)
    (
        "probationary",
        "committee_review",
        "支部委员会审查",
        "支部委员会对发展对象进行严格审查，经集体讨论认为合格后报具有审批权限的基层党委预审；审查期间进行公示。",
        ["支委会审查意见", "公示材料"],
        "第十八条",
    ),
    (
        "probationary",
        "pre_review",
        "上级党委预审",
        "基层党委对发展对象的条件、培养教育等情况进行审查，预审合格的发放《入党志愿书》。",
        ["预审意见"],
        "第十九条",
    ),
    ("probationary", "volunteer_form", "填写入党志愿书", "发展对象在入党介绍人指导下填写《入党志愿书》。", ["入党志愿书"], "第二十条"),
    (
        "probationary",
        "admission_meeting",
        "支部党员大会讨论",
        "支部党员大会讨论接收预备党员，有表决权的到会人数超过应到会人数的半数，赞成人数超过应到会有表决权的正式党员的半数。",
        ["支部党员大会会议记录", "支部党员大会决议"],
        "第二十一条、第二十二条",
    ),
    (
        "probationary",
        "committee_talk",
        "上级党委派人谈话",
        "上级党委审批前指派党委委员或组织员同发展对象谈话。",
        ["谈话记录"],
        "第二十三条",
    ),
    (
        "probationary",
        "approval",
        "上级党委审批",
        "上级党委在三个月内审批（特殊情况可延长，但不超过六个月）。",
        ["审批意见"],
        "第二十四条",
    ),
    (
        "probationary",
        "approval_filing",
        "再上一级党委组织部门备案",
        "基层党委审批后报再上一级党委组织部门备案。",
        ["备案材料"],
        "第二十五条",
    ),
    # 五、预备党员的教育考察和转正 (7)
    ("full", "placement", "编入党支部和党小组", "将预备党员编入党支部和党小组。", ["编组记录"], "第二十六条"),
    ("full", "oath", "入党宣誓", "预备党员面向党旗进行入党宣誓。", ["入党宣誓记录"], "第二十七条"),
    (
        "full",
        "probation_education",
        "继续教育考察",
        "党组织通过党的组织生活、听取本人汇报、个别谈心、集中培训、实践锻炼等方式继续教育和考察预备党员。",
        ["预备党员考察表", "思想汇报"],
        "第二十八条",
    ),
    ("full", "confirmation_application", "提出转正申请", "预备期满前预备党员向党支部提出书面转正申请。", ["转正申请书"], "第二十九条"),
    (
        "full",
        "confirmation_meeting",
        "支部党员大会讨论",
        "支部党员大会讨论预备党员能否转为正式党员，表决要求同接收预备党员。",
        ["支部党员大会会议记录", "转正决议"],
        "第二十九条、第三十条",
    ),
    ("full", "confirmation_approval", "上级党委审批", "上级党委在三个月内审批预备党员转正。", ["审批意见"], "第三十一条"),
    (
        "full",
        "archiving",
        "材料归档",
        "将入党申请书、政审材料、入党志愿书、转正申请书等材料存入党员档案。",
        ["入党材料归档清单"],
        "第三十三条",
    ),
]


def publish(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    Template = apps.get_model("procedures", "ProcedureTemplate")
    Stage = apps.get_model("procedures", "TemplateStage")
    Step = apps.get_model("procedures", "TemplateStep")
    if Template.objects.filter(code=CODE, version=VERSION).exists():
        return
    template = Template.objects.create(
        code=CODE, version=VERSION, title="发展党员工作程序（25个步骤）", citation=REG, effective_from=EFFECTIVE
    )
    stages = {
        code: Stage.objects.create(template=template, stage=code, number=number, title=title)
        for number, (code, title) in enumerate(STAGES, start=1)
    }
    Step.objects.bulk_create(
        [
            Step(
                template=template,
                stage=stages[stage],
                number=number,
                code=code,
                title=title,
                description=description,
                documents=documents,
                citation=f"{REG} {article}",
            )
            for number, (stage, code, title, description, documents, article) in enumerate(STEPS, start=1)
        ]
    )


def unpublish(apps: Any, schema_editor: Any) -> None:
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    apps.get_model("procedures", "ProcedureTemplate").objects.filter(code=CODE, version=VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]

    operations = [migrations.RunPython(publish, unpublish)]
