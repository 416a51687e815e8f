"""Demo data for `make run`: a municipal committee, three institutions with org trees and a
few hundred members each (Chinese names, fake national ID numbers with valid check digits).

Deterministic (seeded), idempotent (an institution that exists is left alone).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django_tenants.utils import schema_context

from services.accounts.models import User
from services.crypto import blind_index
from services.members.accounts import member_accounts_ensure
from services.members.fake_ids import fake_national_id
from services.members.models import Member
from services.organization.models import OrgUnit, Position
from services.organization.services import org_unit_create
from services.oversight.services import figures_publish
from tenants.models import Institution

from .services import institution_create, institution_domain

DEMO_PASSWORD = "Demo-2026-dangjian"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力宁鑫宇浩然子涵欣怡思远佳琪梓萱一诺雨桐"
    "晨阳博文俊杰嘉怡泽宇雅婷志强海燕国庆晓东春梅"
)
ETHNICITIES = ["汉族"] * 18 + ["回族", "满族", "蒙古族", "壮族", "土家族"]


@dataclass(frozen=True)
class DemoInstitution:
    code: str
    name: str
    kind: str
    region: str
    colleges: tuple[str, ...]  # schools with students: a teachers' branch and two students' branches each
    offices: tuple[str, ...] = ()  # administrative offices, hospitals: staff branches only


# The branches of each second-level unit, named after it: "外国语学院本科生党支部", "机关第一党支部".
COLLEGE_BRANCHES = (
    ("教工第一党支部", OrgUnit.BranchKind.TEACHER),
    ("本科生党支部", OrgUnit.BranchKind.UNDERGRADUATE),
    ("研究生党支部", OrgUnit.BranchKind.GRADUATE),
)
OFFICE_BRANCHES = (
    ("第一党支部", OrgUnit.BranchKind.TEACHER),
    ("第二党支部", OrgUnit.BranchKind.TEACHER),
    ("第三党支部", OrgUnit.BranchKind.TEACHER),
)


INSTITUTIONS = (
    DemoInstitution(
        "hdu",
        "华东综合大学",
        Institution.Kind.UNIVERSITY,
        "上海市",
        ("计算机科学与技术学院", "马克思主义学院", "经济管理学院", "外国语学院"),
        ("机关",),
    ),
    DemoInstitution(
        "szy", "市职业技术学院", Institution.Kind.VOCATIONAL, "上海市", ("智能制造学院", "商贸学院", "信息工程学院")
    ),
    DemoInstitution(
        "smc",
        "市医学院",
        Institution.Kind.MEDICAL,
        "上海市",
        ("临床医学院", "护理学院", "公共卫生学院"),
        ("附属医院",),
    ),
)


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _build_tree(demo: DemoInstitution) -> list[OrgUnit]:
    committee = org_unit_create(name=f"中共{demo.name}委员会", kind=OrgUnit.Kind.COMMITTEE)
    branches: list[OrgUnit] = []
    units = [(name, COLLEGE_BRANCHES) for name in demo.colleges] + [(name, OFFICE_BRANCHES) for name in demo.offices]
    for index, (base, branch_labels) in enumerate(units):
        # The unit's name is its base plus its kind ("机关" → "机关党委"): the base never ends in one.
        kind = OrgUnit.Kind.GENERAL_BRANCH if index % 3 == 2 else OrgUnit.Kind.SECOND_LEVEL
        suffix = "党总支" if kind == OrgUnit.Kind.GENERAL_BRANCH else "党委"
        second = org_unit_create(name=f"{base}{suffix}", kind=kind, parent=committee, sort_order=index)
        for order, (label, branch_kind) in enumerate(branch_labels):
            branch = org_unit_create(
                name=f"{base}{label}",
                kind=OrgUnit.Kind.BRANCH,
                parent=second,
                branch_kind=branch_kind,
                sort_order=order,
            )
            org_unit_create(name="第一党小组", kind=OrgUnit.Kind.PARTY_GROUP, parent=branch)
            branches.append(branch)
    return branches


def _members(rng: random.Random, branches: list[OrgUnit], count: int, *, taken: set[str] | None = None) -> list[Member]:
    """``count`` members over the branches. Their ID numbers are unique among themselves and
    ``taken`` (the numbers of earlier batches; it receives theirs): a random one is drawn again
    when it repeats one (about five in 20,000 would)."""
    members = []
    today = date.today()
    taken = set() if taken is None else taken
    for i in range(count):
        branch = branches[i % len(branches)]
        student = branch.branch_kind in (OrgUnit.BranchKind.UNDERGRADUATE, OrgUnit.BranchKind.GRADUATE)
        age = rng.randint(19, 24) if student else rng.randint(28, 62)
        born = today - timedelta(days=age * 365 + rng.randint(0, 364))
        male = rng.random() < 0.5
        number = fake_national_id(rng, born, male)
        while number in taken:
            number = fake_national_id(rng, born, male)
        taken.add(number)
        # Joined at 18 or later (the record's dates pass services/members/validation.py): a
        # student too young to have finished a year of probation is still probationary.
        adult_days = (today - born).days - 18 * 366
        probationary = student and (rng.random() < 0.25 or adult_days < 400)
        joined = today - timedelta(
            days=rng.randint(30, min(360, adult_days)) if probationary else rng.randint(400, min(8000, adult_days))
        )
        members.append(
            Member(
                name=_name(rng),
                gender="male" if male else "female",
                ethnicity=rng.choice(ETHNICITIES),
                birth_date=born,
                national_id=number,
                national_id_index=blind_index(number),
                phone=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                category=Member.Category.STUDENT if student else Member.Category.FACULTY,
                number=f"{'S' if student else 'T'}{rng.randrange(10**7):07d}",
                status=Member.Status.PROBATIONARY if probationary else Member.Status.NORMAL,
                branch=branch,
                joined_on=joined,
                confirmed_on=None if probationary else joined + timedelta(days=365),
            )
        )
    return members


ACTIVATED_PER_BRANCH = 2


def _member_accounts(members: list[Member], *, skip: set[int]) -> None:
    """Accounts for the first few members of each branch, activated with the demo password (they
    sign in with their student or staff number); everyone else is left to activate, as in the
    first week of term (the lines `make run` prints name one to try)."""
    chosen: dict[int, list[Member]] = {}
    for member in members:
        picked = chosen.setdefault(member.branch_id, [])
        if member.pk not in skip and len(picked) < ACTIVATED_PER_BRANCH:
            picked.append(member)
    few = [member for picked in chosen.values() for member in picked]
    member_accounts_ensure(members=few, acting_user=None)
    User.objects.filter(member__in=few).update(password=make_password(DEMO_PASSWORD), activated_at=timezone.now())


def _activation_hint() -> str:
    """A member with a phone on record and no account yet: what a newcomer types on 激活账号
    (the demo's ID numbers are fake). The code sent to the phone appears in the console log."""
    member = Member.objects.filter(user__isnull=True).exclude(number="").order_by("id").first()
    if member is None:
        return ""
    return (
        f"               activate: /accounts/activate/ · 学号/工号 {member.number} · 姓名 {member.name} · "
        f"身份证后六位 {member.national_id[-6:]} (the SMS code appears in this log)"
    )


def _capability_demos() -> list[ModuleType]:
    """Each app's ``demo_data`` module: ``seed_public()`` and ``seed_institution(*, institution, rng)``,
    both idempotent (they add only what is missing: a second ``make run`` keeps the data)."""
    modules = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo_data"):
            modules.append(import_module(f"{config.name}.demo_data"))
    return modules


def seed_demo(*, members_per_institution: int = 300) -> list[str]:
    """Create what is missing and return the lines to print (URLs and logins)."""
    lines = []
    port = os.environ.get("PORT", "8000")  # what `make run` serves on (devstack's --port default)
    with schema_context("public"):
        for username, role, name in (("operator", "operator", "平台运维"), ("committee", "committee", "市教育工委")):
            if not User.objects.filter(username=username).exists():
                user = User(username=username, platform_role=role, display_name=name, is_staff=role == "operator")
                user.set_password(DEMO_PASSWORD)
                user.save()
        for module in _capability_demos():
            if hasattr(module, "seed_public"):
                module.seed_public()
        logins = f"operator / {DEMO_PASSWORD} · committee / {DEMO_PASSWORD}"
        lines.append(f"Console        http://localhost:{port}  {logins}")
    for index, demo in enumerate(INSTITUTIONS):
        rng = random.Random(index)
        institution = Institution.objects.filter(code=demo.code).first()
        if institution is None:
            institution, _ = institution_create(
                name=demo.name, code=demo.code, kind=demo.kind, region=demo.region, admin_password=DEMO_PASSWORD
            )
            with schema_context(institution.schema_name), transaction.atomic():
                branches = _build_tree(demo)
                members = Member.objects.bulk_create(_members(rng, branches, members_per_institution))
                # The demo secretary runs the first branch; the demo member belongs to it.
                first_branch = [m for m in members if m.branch_id == branches[0].pk]
                for username, record in (("secretary", first_branch[0]), ("member", first_branch[1])):
                    # An address, so `make run` shows the reminder digests on the console.
                    email = f"{username}@{demo.code}.example.edu.cn"
                    user = User(username=username, display_name=record.name, email=email)
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                    Member.objects.filter(pk=record.pk).update(user=user)
                _member_accounts(members, skip={first_branch[0].pk, first_branch[1].pk})
                Position.objects.create(
                    member=first_branch[0],
                    unit=branches[0],
                    kind=Position.Kind.SECRETARY,
                    started_on=date.today() - timedelta(days=400),
                )
        with schema_context(institution.schema_name):
            for module in _capability_demos():
                if hasattr(module, "seed_institution"):
                    module.seed_institution(institution=institution, rng=random.Random(index))
            # The console's figures at once (the beat job refreshes them every 15 minutes), receipts included.
            figures_publish(institution=institution)
        lines.append(
            f"{demo.name:<12} http://{institution_domain(demo.code)}:{port}  "
            f"admin (whole institution) / secretary ({demo.colleges[0]}教工第一党支部) / member, "
            f"password {DEMO_PASSWORD}"
        )
        with schema_context(institution.schema_name):
            hint = _activation_hint()
        if hint:
            lines.append(hint)
    return lines
