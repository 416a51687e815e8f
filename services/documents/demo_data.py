"""Demo documents for `make run`: a few notices, study materials and minutes per institution
(small .docx and .txt files generated here), one committee notice in the public schema, and
some read receipts. Idempotent: a document is added only when its title is missing."""

from __future__ import annotations

import io
import random

from services.accounts.models import User

from .models import Document, Receipt
from .services import document_create

COMMITTEE_NOTICE = (
    "关于开展2026年度基层党组织标准化规范化建设自查的通知",
    "各高校党委：\n根据市委教育工委年度工作安排，现就开展基层党组织标准化规范化建设自查工作通知如下。\n"
    "一、自查范围：全市各高校所有党支部。\n二、自查内容：三会一课落实、党费收缴、发展党员程序、组织关系转接。\n"
    "三、时间安排：请于本学期第十二周前完成自查并报送结果。",
)

INSTITUTION_DOCUMENTS = [
    (
        Document.Kind.NOTICE,
        "关于召开2026年度组织生活会和开展民主评议党员的通知",
        ["组织生活会", "民主评议"],
        "各党支部：\n请于十二月底前召开年度组织生活会，开展民主评议党员。会前认真开展谈心谈话，"
        "会后及时将会议记录和评议结果报送党委组织部。",
        True,
    ),
    (
        Document.Kind.NOTICE,
        "关于做好毕业生党员组织关系转接工作的通知",
        ["组织关系转接", "毕业生"],
        "各学院党委：\n毕业季即将到来，请各党支部提前梳理毕业生党员名单，按程序办理组织关系转接，"
        "确保每名毕业生党员组织关系转接及时、准确、无遗漏。",
        True,
    ),
    (
        Document.Kind.STUDY,
        "《中国共产党支部工作条例（试行）》学习要点",
        ["支部工作条例", "学习"],
        "学习要点：\n一、党支部是党的基础组织。\n二、党支部的基本任务。\n三、三会一课制度：支部党员大会、支部委员会、"
        "党小组会和党课。\n四、主题党日每月相对固定一天开展。",
        False,
    ),
    (
        Document.Kind.STUDY,
        "发展党员工作细则辅导讲稿",
        ["发展党员", "培训"],
        "发展党员工作要坚持标准、保证质量、改善结构、慎重发展。入党申请人、入党积极分子、发展对象、"
        "预备党员、正式党员五个阶段，共二十五个步骤。",
        False,
    ),
    (
        Document.Kind.MINUTES,
        "教工第一党支部十一月支委会会议纪要",
        ["支委会", "会议纪要"],
        "时间：十一月五日下午\n地点：行政楼三楼会议室\n出席：支部委员五人\n议题：一、讨论发展对象人选；"
        "二、研究主题党日活动安排；三、部署党费收缴情况公示。",
        False,
    ),
]


def _docx(title: str, body: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in body.split("\n"):
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def seed_public() -> None:
    publisher = User.objects.filter(platform_role="committee").first()
    title, body = COMMITTEE_NOTICE
    if publisher is None or Document.objects.filter(title=title).exists():
        return
    document_create(
        acting_user=publisher,
        kind=Document.Kind.NOTICE,
        title=title,
        description="市委教育工委发布，全市各高校党委参照执行。",
        tags=["标准化建设", "自查"],
        requires_signoff=True,
        upload=io.BytesIO(_docx(title, body)),
        filename=f"{title}.docx",
    )


def seed_institution(*, institution: object, rng: random.Random) -> None:
    from django_tenants.utils import schema_context

    from services.members.models import Member
    from services.organization.models import Position

    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return
    # The branch's own minutes are published by its secretary, for that branch only.
    secretary = (
        Position.objects.filter(kind=Position.Kind.SECRETARY, member__user__isnull=False)
        .select_related("unit", "member__user")
        .order_by("pk")
        .first()
    )
    for index, (kind, title, tags, body, signoff) in enumerate(INSTITUTION_DOCUMENTS):
        if Document.objects.filter(title=title).exists():
            continue
        as_text = index % 2 == 1
        data = body.encode("gb18030" if index == 3 else "utf-8") if as_text else _docx(title, body)
        branch_minutes = kind == Document.Kind.MINUTES and secretary is not None
        document = document_create(
            acting_user=secretary.member.user if branch_minutes and secretary else admin,
            scope_unit=secretary.unit if branch_minutes and secretary else None,
            kind=kind,
            title=title,
            description=body.split("\n", 1)[-1][:80],
            tags=tags,
            requires_signoff=signoff,
            upload=io.BytesIO(data),
            filename=f"{title}.{'txt' if as_text else 'docx'}",
        )
        if signoff:
            # Some members have signed already; the rest show on the secretary's "not yet signed" list.
            members = list(Member.objects.order_by("pk").values_list("pk", "user_id")[:40])
            for member_id, user_id in rng.sample(members, k=min(len(members), 12)):
                Receipt.objects.get_or_create(document=document, member_id=member_id, defaults={"user_id": user_id})
    # The committee's notice is signed in each institution, by some of its members.
    with schema_context("public"):
        committee_notice = Document.objects.filter(title=COMMITTEE_NOTICE[0]).values_list("pk", flat=True).first()
    if committee_notice is not None and not Receipt.objects.filter(public_document_id=committee_notice).exists():
        members = list(Member.objects.order_by("pk").values_list("pk", "user_id")[:40])
        for member_id, user_id in rng.sample(members, k=min(len(members), 8)):
            Receipt.objects.create(public_document_id=committee_notice, member_id=member_id, user_id=user_id)
