"""One validation for every way a member record is written (issue 9, reproductions 4 and 11: the
API accepted what the importer refused — ``joined_on`` 9999-12-31 leaving the date of full
membership before it, a status change on 0001-01-01, a birth date in the future).

The same bad values go through each way in — the services, the API, the pages, the importer and
the transfer move — and each refuses them with the same Chinese message naming the field, and
changes nothing. The rules live in services/members/validation.py."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from services.accounts.models import User
from services.crypto import blind_index
from services.members import imports, services
from services.members.fake_ids import fake_national_id
from services.members.imports import HEADERS
from services.members.models import Member, MemberChange
from services.members.validation import record_date_errors, status_date_errors
from services.organization.models import Position
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.factories import MemberFactory
from tests.members.helpers import Tree, build_tree, person

pytestmark = pytest.mark.django_db

BORN = date(1990, 5, 17)
FAR_FUTURE = date(9999, 12, 31)
FUTURE_JOIN = "入党日期不能晚于今天"
CONFIRMED_BEFORE = "转正日期早于入党日期。"
BAD_ON_DATE = "生效日期不能早于入党日期（2016-06-30）。"


@dataclass
class Setup:
    tree: Tree
    secretary: User
    record: Member


@pytest.fixture
def setup(inst_a: Institution) -> Iterator[Setup]:
    with in_schema(inst_a):
        tree = build_tree()
        number = fake_national_id(random.Random(1921), BORN, male=True)
        record = MemberFactory(
            branch=tree.branch_x,
            name="陈一",
            national_id=number,
            national_id_index=blind_index(number),
            birth_date=BORN,
            gender="male",
            category=Member.Category.STAFF,
            joined_on=date(2016, 6, 30),
            confirmed_on=date(2017, 6, 30),
        )
        yield Setup(tree=tree, secretary=person(tree.branch_x, "sec_x", Position.Kind.SECRETARY), record=record)


def unchanged(setup: Setup) -> None:
    record = Member.objects.get(pk=setup.record.pk)
    assert (record.joined_on, record.confirmed_on, record.birth_date, record.status) == (
        date(2016, 6, 30),
        date(2017, 6, 30),
        BORN,
        Member.Status.NORMAL,
    )
    assert not MemberChange.objects.filter(member=record).exists()


def text(response: Any) -> str:
    return (
        json.dumps(response.json(), ensure_ascii=False)
        if "json" in response["Content-Type"]
        else response.content.decode()
    )


# --- the rules themselves -------------------------------------------------------------------------


def test_the_supported_range_of_each_date_and_their_order() -> None:
    today = date(2026, 12, 4)
    assert record_date_errors({"joined_on": date(1921, 7, 1), "birth_date": date(1900, 1, 1)}, today=today) == {}
    assert record_date_errors({"joined_on": date(1921, 6, 30)}, today=today) == {
        "joined_on": ["入党日期不能早于 1921-07-01（中国共产党成立）。"]
    }
    assert record_date_errors({"birth_date": date(2026, 12, 5)}, today=today) == {
        "birth_date": ["出生日期不能晚于今天（2026-12-04）。"]
    }
    assert record_date_errors({"joined_on": FAR_FUTURE, "confirmed_on": date(2017, 6, 30)}, today=today) == {
        "joined_on": ["入党日期不能晚于今天（2026-12-04）。"],
        "confirmed_on": [CONFIRMED_BEFORE],
    }
    assert status_date_errors(on_date=today, joined_on=date(2016, 6, 30), today=today) == []
    assert status_date_errors(on_date=date(1, 1, 1), joined_on=None, today=today) == [
        "生效日期不能早于 1921-07-01（中国共产党成立）。"
    ]
    assert status_date_errors(on_date=today + timedelta(days=1), joined_on=None, today=today)


# --- joined_on 9999-12-31 on a record confirmed in 2017 ----------------------------------------------


def test_the_service_refuses_a_date_of_joining_after_today(setup: Setup) -> None:
    with pytest.raises(ValidationError) as refused:
        services.member_update(member=setup.record, joined_on=FAR_FUTURE, acting_user=setup.secretary, reason="更正")
    errors = refused.value.message_dict
    assert FUTURE_JOIN in errors["joined_on"][0] and errors["confirmed_on"] == [CONFIRMED_BEFORE]
    unchanged(setup)


def test_the_api_refuses_it_too(setup: Setup, inst_a: Institution) -> None:
    response = client_for(inst_a, setup.secretary).patch(
        f"/api/members/{setup.record.pk}/", {"joined_on": "9999-12-31"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert FUTURE_JOIN in text(response) and CONFIRMED_BEFORE in text(response)
    unchanged(setup)


def test_the_edit_page_refuses_it_too(setup: Setup, inst_a: Institution) -> None:
    record = setup.record
    form = {
        "name": record.name,
        "gender": record.gender,
        "ethnicity": record.ethnicity,
        "birth_date": record.birth_date.isoformat(),
        "native_place": record.native_place,
        "education": record.education,
        "degree": record.degree,
        "category": record.category,
        "number": record.number,
        "branch": record.branch_id,
        "joined_on": "9999-12-31",
        "confirmed_on": "2017-06-30",
        "reason": "更正",
    }
    response = client_for(inst_a, setup.secretary).post(reverse("members:edit", kwargs={"pk": record.pk}), form)
    assert response.status_code in (200, 400)
    assert FUTURE_JOIN in response.content.decode() and CONFIRMED_BEFORE in response.content.decode()
    unchanged(setup)


def test_the_importer_refuses_it_too_and_checks_the_row_against_the_stored_dates(setup: Setup) -> None:
    record = setup.record
    base = {
        "姓名": record.name,
        "身份证号": record.national_id,
        "人员类别": "职工",
        "所在支部": "X支部",
        "党籍状态": "正式党员",
    }
    full = dict(base, 入党日期="9999-12-31", 转正日期="2017-06-30")
    plan = imports.import_check(
        sheet=imports.Sheet(headers=list(HEADERS), rows=[(2, [full.get(h, "") for h in HEADERS])]),
        acting_user=setup.secretary,
    )
    assert [(e["column"], FUTURE_JOIN in e["message"]) for e in plan.errors] == [
        ("入党日期", True),
        ("转正日期", False),
    ]
    assert plan.errors[1]["message"] == CONFIRMED_BEFORE
    # Without a 转正日期 column the stored date of full membership still counts.
    headers = [*base, "入党日期"]
    later = dict(base, 入党日期="2018-01-01")
    plan = imports.import_check(
        sheet=imports.Sheet(headers=headers, rows=[(2, [later[h] for h in headers])]), acting_user=setup.secretary
    )
    assert [(e["column"], e["message"]) for e in plan.errors] == [("转正日期", CONFIRMED_BEFORE)]
    assert not plan.updates
    unchanged(setup)


# --- a status change on 0001-01-01 (or tomorrow) -----------------------------------------------------


@pytest.mark.parametrize("on_date", [date(1, 1, 1), date(2016, 6, 29), "tomorrow"])
def test_the_service_refuses_a_status_change_before_joining_or_after_today(setup: Setup, on_date: Any) -> None:
    day = timezone.localdate() + timedelta(days=1) if on_date == "tomorrow" else on_date
    with pytest.raises(ValidationError) as refused:
        services.member_status_change(
            member=setup.record, to_status=Member.Status.ABROAD, on_date=day, reason="出国", acting_user=setup.secretary
        )
    assert "生效日期" in refused.value.message_dict["on_date"][0]
    unchanged(setup)


def test_the_api_and_the_page_refuse_a_status_change_on_0001_01_01(setup: Setup, inst_a: Institution) -> None:
    client = client_for(inst_a, setup.secretary)
    api = client.post(
        f"/api/members/{setup.record.pk}/status/",
        {"status": "abroad", "on_date": "0001-01-01", "reason": "出国"},
        content_type="application/json",
    )
    assert api.status_code == 400 and BAD_ON_DATE in text(api)
    page = client.post(
        reverse("members:status", kwargs={"pk": setup.record.pk}),
        {"to_status": "abroad", "on_date": "0001-01-01", "reason": "出国"},
    )
    assert BAD_ON_DATE in page.content.decode()
    unchanged(setup)


def test_a_status_change_on_the_day_of_joining_or_today_is_recorded(setup: Setup) -> None:
    changed = services.member_status_change(
        member=setup.record,
        to_status=Member.Status.ABROAD,
        on_date=timezone.localdate(),
        reason="出国",
        acting_user=setup.secretary,
    )
    assert changed.status == Member.Status.ABROAD


# --- a birth date in the future ------------------------------------------------------------------------


def test_a_birth_date_in_the_future_is_refused_by_the_api_on_its_own(setup: Setup, inst_a: Institution) -> None:
    """The API could send a birth date without the ID number: it is checked against the stored one."""
    response = client_for(inst_a, setup.secretary).patch(
        f"/api/members/{setup.record.pk}/", {"birth_date": "2030-01-01"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "出生日期与身份证号不一致（身份证为 1990-05-17）" in text(response)
    unchanged(setup)


def test_a_record_already_wrong_can_still_be_corrected_one_field_at_a_time(setup: Setup) -> None:
    """Written before these rules: a change that does not make it worse is accepted."""
    Member.objects.filter(pk=setup.record.pk).update(joined_on=date(2018, 1, 1))  # after confirmation
    record = Member.objects.get(pk=setup.record.pk)
    services.member_update(member=record, phone="13800138000", acting_user=setup.secretary, reason="补充")
    fixed = services.member_update(
        member=record, joined_on=date(2016, 6, 30), acting_user=setup.secretary, reason="更正"
    )
    assert fixed.joined_on == date(2016, 6, 30)


# --- the same ID number out of sight, through the forms and the API -------------------------------------


def test_creating_a_record_for_an_id_held_out_of_sight_confirms_nothing(setup: Setup, inst_a: Institution) -> None:
    number = fake_national_id(random.Random(7), date(1995, 1, 1), male=False)
    MemberFactory(branch=setup.tree.branch_z, name="秘密", national_id=number, national_id_index=blind_index(number))
    body = {"name": "新人", "national_id": number, "category": "staff", "branch": setup.tree.branch_x.pk}
    response = client_for(inst_a, setup.secretary).post("/api/members/", body, content_type="application/json")
    assert response.status_code == 400
    assert "该身份证号无法登记到您管理的支部，请联系学校党委组织部。" in text(response)
    assert "已有" not in text(response) and "Z支部" not in text(response)
    admin = User.objects.get(username="admin")
    named = client_for(inst_a, admin).post("/api/members/", body, content_type="application/json")
    assert named.status_code == 400 and "该身份证号已有党员档案（Z支部）。" in text(named)
    assert Member.objects.filter(national_id_index=blind_index(number)).count() == 1
