"""What the roster import tells its user (issue 9, reproduction 10):

- a row whose ID number has a record in a branch the uploader cannot see is refused with the same
  words whatever lies behind it — the error never confirms that a record exists out of sight (it
  said "该身份证号已有党员档案，但不在您的管理范围内。") — and nothing is ever created twice;
- an impossible date (2019年13月40日) says the date does not exist, not that its format is wrong;
- a file-level error (missing columns) offers the template, not an error report it does not have.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from services.crypto import blind_index
from services.members.imports import HEADERS
from services.members.imports.row_checks import NoSuchDate, parse_date
from services.members.models import ImportJob, Member
from services.organization.models import Position
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.factories import MemberFactory, UserFactory
from tests.members import test_import as roster
from tests.members.test_import import (
    World,
    check,
    identity,
    messages_of,
    row,
    run_commit,
    run_validation,
    start,
    xlsx,
)

world = roster.world  # the roster tests' fixture: a tree, the college's admin, X's secretary

NOT_HERE = "该身份证号无法导入到您管理的支部，请联系学校党委组织部。"


def record_in(branch: object, name: str) -> str:
    number, born, gender = identity(date(1990, 2, 3))
    MemberFactory(
        name=name,
        branch=branch,
        national_id=number,
        national_id_index=blind_index(number),
        birth_date=born,
        gender=gender,
    )
    return number


# --- records out of sight -------------------------------------------------------------------------


def test_a_secretary_importing_an_id_recorded_in_another_branch_learns_nothing_about_it(
    inst_a: Institution, world: World
) -> None:
    with in_schema(inst_a):
        number = record_in(world.tree.branch_y, "周八")  # same college, the secretary of X does not see Y
        plan = check(world.secretary, [row(身份证号=number, 姓名="周八", 出生日期="1990-02-03")])
        assert messages_of(plan) == [(2, "身份证号", NOT_HERE)]
        assert "已有" not in str(plan.errors) and "周八" not in str(plan.errors) and "Y支部" not in str(plan.errors)
        assert not plan.creates and not plan.updates
        job = start(inst_a, world.secretary, xlsx([row(身份证号=number, 姓名="周八", 出生日期="1990-02-03")]))
    job = run_validation(inst_a, job)
    with in_schema(inst_a):
        assert job.status == ImportJob.Status.INVALID and job.errors[0]["message"] == NOT_HERE
        assert Member.objects.filter(national_id_index=blind_index(number)).count() == 1


def test_every_record_out_of_sight_gets_the_same_words_wherever_it_is(world: World) -> None:
    in_y = record_in(world.tree.branch_y, "吴九")
    in_z = record_in(world.tree.branch_z, "郑十")
    plan = check(
        world.secretary, [row(身份证号=in_y, 出生日期="1990-02-03"), row(身份证号=in_z, 出生日期="1990-02-03")]
    )
    assert [message for _, _, message in messages_of(plan)] == [NOT_HERE, NOT_HERE]


def test_a_record_the_uploader_can_see_but_not_manage_is_named(world: World) -> None:
    """Seeing a record is no secret to the one who sees it: the row says where it is."""
    uploader = UserFactory(username="org_x_prop_z")
    member = MemberFactory(branch=world.tree.branch_x, user=uploader)
    Position.objects.create(
        member=member, unit=world.tree.branch_x, kind=Position.Kind.ORGANIZATION, started_on=date(2024, 1, 1)
    )
    Position.objects.create(
        member=member, unit=world.tree.branch_z, kind=Position.Kind.PROPAGANDA, started_on=date(2024, 1, 1)
    )
    number = record_in(world.tree.branch_z, "王十一")
    plan = check(uploader, [row(身份证号=number, 出生日期="1990-02-03")])
    assert messages_of(plan) == [(2, "身份证号", "该身份证号已有党员档案（Z支部），不在您的管理范围内。")]


def test_a_record_created_out_of_sight_after_the_preview_stops_the_commit_and_nothing_is_doubled(
    inst_a: Institution, world: World
) -> None:
    number, born, _gender = identity(date(1993, 8, 8))
    with in_schema(inst_a):
        job = start(inst_a, world.secretary, xlsx([row(身份证号=number, 出生日期=born.isoformat(), 姓名="冯新")]))
    job = run_validation(inst_a, job)
    assert job.status == ImportJob.Status.PREVIEW and job.created_count == 1
    with in_schema(inst_a):
        MemberFactory(
            name="冯新",
            branch=world.tree.branch_z,
            national_id=number,
            national_id_index=blind_index(number),
            birth_date=born,
        )
    job = run_commit(inst_a, job, world.secretary)
    with in_schema(inst_a):
        assert job.status == ImportJob.Status.INVALID
        assert [error["message"] for error in job.errors] == [NOT_HERE]
        holders = Member.objects.filter(national_id_index=blind_index(number))
        assert holders.count() == 1 and holders.get().branch_id == world.tree.branch_z.pk


# --- dates that do not exist ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2019年13月40日", "日期不存在：2019年13月40日（月份应为 1–12）。"),
        ("2016-13-45", "日期不存在：2016-13-45（月份应为 1–12）。"),
        ("2023-02-29", "日期不存在：2023-02-29（2023年2月只有 28 天）。"),
        ("2024/4/31", "日期不存在：2024/4/31（2024年4月只有 30 天）。"),
        ("20190230", "日期不存在：20190230（2019年2月只有 28 天）。"),
    ],
)
def test_an_impossible_date_says_the_date_does_not_exist(world: World, typed: str, message: str) -> None:
    with pytest.raises(NoSuchDate):
        parse_date(typed)
    plan = check(world.admin, [row(入党日期=typed, 转正日期="")])
    assert messages_of(plan) == [(2, "入党日期", message)]


def test_a_leap_day_exists_and_words_are_still_a_format_error(world: World) -> None:
    assert parse_date("2024年2月29日") == date(2024, 2, 29)
    plan = check(world.admin, [row(入党日期="去年七月", 转正日期="")])
    assert messages_of(plan) == [(2, "入党日期", "日期格式不正确，应为 YYYY-MM-DD（例如 2001-07-01）。")]


# --- errors of the whole file -------------------------------------------------------------------------


def test_missing_columns_offer_the_template_not_an_error_report(inst_a: Institution, world: World) -> None:
    headers = tuple(h for h in HEADERS if h != "所在支部")
    with in_schema(inst_a):
        job = start(inst_a, world.admin, xlsx([row()], headers))
    job = run_validation(inst_a, job)
    assert job.status == ImportJob.Status.INVALID and not job.error_report_key
    html = (
        client_for(inst_a, world.admin).get(reverse("member_import:job", kwargs={"pk": str(job.pk)})).content.decode()
    )
    assert "缺少必填列：所在支部。" in html
    assert "错误报告" not in html.replace("没有错误报告", "")
    assert reverse("member_import:template") in html
    assert reverse("member_import:error_report", kwargs={"pk": str(job.pk)}) not in html
