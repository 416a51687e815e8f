"""The 组织生活 board, a branch's page, its plan page and the compliance API: what each role sees,
the rule and its citation on the page, accepting a plan and setting the theme day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from services.members.models import Member
from services.organization.models import AdminGrant, OrgUnit
from services.orglife.models import BranchLifeSettings, Meeting
from services.orglife.planning import plan_proposal
from services.rule_overrides.models import RuleOverride
from tenants.models import Institution
from tests.conftest import client_for, make_user
from tests.factories import OrgUnitFactory
from tests.orglife.conftest import Branch


def _overdue_theme_day(branch: Branch) -> None:
    """A theme party day held last month, none this month (due) — and two years ago none (overdue)."""
    last_month = timezone.localdate().replace(day=1) - timedelta(days=20)
    starts = timezone.make_aware(datetime(last_month.year, last_month.month, last_month.day, 14))
    Meeting.objects.create(
        unit=branch.unit, kind=Meeting.Kind.THEME_DAY, topic="t", starts_at=starts, ends_at=starts + timedelta(hours=2)
    )


def test_a_secretary_sees_their_branchs_periods_with_the_rule_and_its_citation(
    branch: Branch, inst_a: Institution
) -> None:
    RuleOverride.objects.create(
        key="meetings.lecture_months", value=6, effective_from=date(2020, 1, 1), reason="本校规定每学期一次党课"
    )
    _overdue_theme_day(branch)
    OrgUnitFactory(name="别的支部")
    page = client_for(inst_a, branch.secretary).get(reverse("orglife_board:board"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "第一党支部" in body and "别的支部" not in body
    assert "依据：" in body and "《中国共产党支部工作条例（试行）》" in body
    assert "本校规定每学期一次党课" in body
    assert "上半年" in body  # the lecture's periods are half-years
    assert "ol-due" in body and "ol-held" in body
    assert reverse("orglife_board:plan", args=[branch.unit.pk]) in body


def test_a_college_admin_sees_a_card_per_branch_of_the_college(branch: Branch, inst_a: Institution) -> None:
    college = OrgUnitFactory(name="化学学院党委", kind=OrgUnit.Kind.SECOND_LEVEL)
    inside = [OrgUnitFactory(name=f"化学第{i}支部", parent=college) for i in (1, 2)]
    admin = make_user(inst_a, username="ol_college")
    AdminGrant.objects.create(user=admin, unit=college, role=AdminGrant.Role.UNIT_ADMIN)
    body = client_for(inst_a, admin).get(reverse("orglife_board:board")).content.decode()
    assert all(unit.name in body for unit in inside)
    assert "第一党支部" not in body
    assert "召开频次与依据" in body
    page = client_for(inst_a, admin).get(reverse("orglife_board:branch", args=[inside[0].pk]))
    assert page.status_code == 200 and "依据：" in page.content.decode()
    assert client_for(inst_a, admin).get(reverse("orglife_board:branch", args=[branch.unit.pk])).status_code == 404


def test_a_plain_member_is_refused_the_board_and_the_api(branch: Branch, inst_a: Institution) -> None:
    user = make_user(inst_a, username="ol_member")
    Member.objects.filter(pk=branch.members[5].pk).update(user=user)
    client = client_for(inst_a, user)
    assert client.get(reverse("orglife_board:board")).status_code == 403
    assert client.get(reverse("orglife-compliance")).status_code == 403
    assert client.get(reverse("orglife_board:branch", args=[branch.unit.pk])).status_code == 404


def test_the_plan_page_proposes_and_the_secretary_accepts_part_of_it(branch: Branch, inst_a: Institution) -> None:
    client = client_for(inst_a, branch.secretary)
    year = timezone.localdate().year + 1
    url = reverse("orglife_board:plan", args=[branch.unit.pk])
    page = client.get(url, {"year": year})
    assert page.status_code == 200 and "安排所选会议" in page.content.decode()
    keys = [p.key for p in plan_proposal(branch=branch.unit, year=year) if p.kind == Meeting.Kind.LIFE_MEETING]
    done = client.post(url, {"year": year, "key": keys})
    assert done.status_code == 302
    assert Meeting.objects.filter(unit=branch.unit, kind=Meeting.Kind.LIFE_MEETING).count() == 1
    assert Meeting.objects.count() == 1
    refused = client.post(url, {"year": year})
    assert refused.status_code == 200 and "请至少选择一项建议的会议。" in refused.content.decode()


def test_the_theme_day_is_saved_from_the_plan_page_and_a_wrong_day_is_explained(
    branch: Branch, inst_a: Institution
) -> None:
    client = client_for(inst_a, branch.secretary)
    url = reverse("orglife_board:settings", args=[branch.unit.pk])
    wrong = client.post(url, {"theme_day_of_month": 30}, follow=True)
    assert "28" in wrong.content.decode()
    assert not BranchLifeSettings.objects.exists()
    client.post(url, {"theme_day_of_month": 8})
    assert BranchLifeSettings.objects.get(branch=branch.unit).theme_day_of_month == 8


def test_another_branchs_plan_is_not_found_for_a_secretary(branch: Branch, inst_a: Institution) -> None:
    other = OrgUnitFactory(name="别的支部")
    client = client_for(inst_a, branch.secretary)
    assert client.get(reverse("orglife_board:plan", args=[other.pk])).status_code == 404
    assert client.post(reverse("orglife_board:settings", args=[other.pk]), {"theme_day_of_month": 3}).status_code == 404
    assert not BranchLifeSettings.objects.exists()


def test_the_api_gives_every_type_and_period_with_its_rule(branch: Branch, inst_a: Institution) -> None:
    client = client_for(inst_a, branch.secretary)
    rows = client.get(reverse("orglife-compliance"), {"since": "2026-01", "until": "2026-06"}).json()
    kinds = {(row["unit"], row["kind"]) for row in rows}
    assert (branch.unit.pk, "member_meeting") in kinds and (branch.group.pk, "group_meeting") in kinds
    member = next(row for row in rows if row["kind"] == "member_meeting")
    assert [p["title"] for p in member["periods"]] == ["2026年第1季度", "2026年第2季度"]
    assert member["rule"]["months"] == 3 and member["rule"]["origin"] == "standard"
    assert "支部工作条例" in member["rule"]["citation"]
    assert {p["status"] for p in member["periods"]} <= {"held", "due", "overdue", "upcoming"}


def test_the_api_refuses_a_bad_range_in_chinese(branch: Branch, inst_a: Institution) -> None:
    client = client_for(inst_a, branch.secretary)
    bad = client.get(reverse("orglife-compliance"), {"since": "2026-13"})
    assert bad.status_code == 400 and "年-月" in bad.content.decode()
    assert client.get(reverse("orglife-compliance"), {"since": "1999-12"}).status_code == 400  # before the rules
    long = client.get(reverse("orglife-compliance"), {"since": "2020-01", "until": "2026-01"}).json()
    member = next(row for row in long if row["kind"] == "member_meeting")
    assert member["periods"][-1]["title"] == "2022年第4季度"  # 36 months from since, no more
    backwards = client.get(reverse("orglife-compliance"), {"since": "2026-05", "until": "2026-01"}).json()
    assert [p["title"] for p in next(r for r in backwards if r["kind"] == "theme_day")["periods"]] == ["2026年5月"]
    assert client.get(reverse("orglife-compliance"), {"branch": "x"}).status_code == 400
    unknown = client.get(reverse("orglife-compliance"), {"branch": branch.unit.pk + 1000})
    assert (unknown.status_code, unknown.json()) == (200, [])
