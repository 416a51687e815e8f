"""A reminder source that fails is visible to the institution's administrators, never swallowed
(issue 9, reproduction 11: an ``abroad.contact_months`` override of 10^30 effective 0001-01-01 made
the abroad-contact source fail at every scan and its reminders stopped without a word).

The other sources still run; the failure says which reminders are missing, since when, and what
to correct; it is cleared by the next scan that runs the source."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from services.accounts.models import User
from services.members.models import Member
from services.members.reminders import ABROAD_CONTACT, PROBATION_ENDING
from services.organization.models import Position
from services.reminders import registry
from services.reminders.models import SourceRun
from services.reminders.services import reminder_scan
from services.rule_overrides.models import RuleOverride
from services.rule_overrides.services import rule_override_set
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.factories import MemberFactory
from tests.members.helpers import build_tree
from tests.reminders.helpers import TODAY, keys_of, person

DUE_PROBATION = TODAY - relativedelta(months=12) + relativedelta(days=10)


@pytest.fixture
def branch_people(inst_a: Institution) -> Iterator[tuple[User, User]]:
    """The secretary of X (with an abroad member and a probationary member in X) and the
    institution's administrator."""
    with in_schema(inst_a):
        tree = build_tree()
        secretary, _ = person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        abroad = MemberFactory(branch=tree.branch_x, status=Member.Status.ABROAD)
        abroad.time_abroad.create(country="法国", purpose="交流", left_on=date(2025, 1, 1))
        MemberFactory(branch=tree.branch_x, status=Member.Status.PROBATIONARY, joined_on=DUE_PROBATION)
        yield secretary, User.objects.get(username="admin")


def test_an_override_out_of_range_stops_one_source_which_the_admin_sees_and_the_others_run(
    inst_a: Institution, branch_people: tuple[User, User]
) -> None:
    secretary, admin = branch_people
    # Stored before overrides were checked (the service refuses it now).
    RuleOverride.objects.create(key="abroad.contact_months", value=10**30, effective_from=date(1, 1, 1), reason="x")
    result = reminder_scan(today=TODAY)
    assert result.failed_sources == [ABROAD_CONTACT]
    assert keys_of(secretary, PROBATION_ENDING) and not keys_of(secretary, ABROAD_CONTACT)
    run = SourceRun.objects.get(source=ABROAD_CONTACT)
    assert not run.ok and run.failing_since is not None and run.scanned_on == TODAY
    assert "“出国（境）党员联系”提醒本次扫描未能生成" in run.error
    assert "出国（境）党员联系间隔（abroad.contact_months）取值 " + str(10**30) + "，自 0001-01-01 起" in run.error
    assert SourceRun.objects.get(source=PROBATION_ENDING).ok

    page = client_for(inst_a, admin).get("/reminders/").content.decode()
    assert "部分提醒未能生成" in page and "abroad.contact_months" in page
    assert "部分提醒未能生成" not in client_for(inst_a, secretary).get("/reminders/").content.decode()

    # A second failing scan keeps the time it started failing.
    first_failure = run.failing_since
    reminder_scan(today=TODAY)
    assert SourceRun.objects.get(source=ABROAD_CONTACT).failing_since == first_failure

    # The administrator overrides it again with a value in range, from the rule's first day.
    rule_override_set(
        key="abroad.contact_months", value=6, effective_from=date(2000, 1, 1), reason="更正", acting_user=admin
    )
    assert reminder_scan(today=TODAY).failed_sources == []
    assert SourceRun.objects.get(source=ABROAD_CONTACT).ok
    assert keys_of(secretary, ABROAD_CONTACT)
    assert "部分提醒未能生成" not in client_for(inst_a, admin).get("/reminders/").content.decode()


def test_a_source_that_raises_is_recorded_with_its_error_and_cleared_when_it_runs_again(
    inst_a: Institution, branch_people: tuple[User, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    secretary, admin = branch_people
    working = registry.sources()[PROBATION_ENDING]

    def broken(today: date) -> Iterator[registry.Due]:
        raise RuntimeError("source down")

    monkeypatch.setitem(registry._SOURCES, PROBATION_ENDING, broken)
    result = reminder_scan(today=TODAY)
    assert result.failed_sources == [PROBATION_ENDING]
    assert keys_of(secretary, ABROAD_CONTACT)  # the others still ran
    run = SourceRun.objects.get(source=PROBATION_ENDING)
    assert not run.ok and "“预备期届满”提醒本次扫描未能生成" in run.error
    assert "请将下面的错误信息告知平台运维人员" in run.error and "RuntimeError: source down" in run.error
    assert "预备期届满" in client_for(inst_a, admin).get("/reminders/").content.decode()

    monkeypatch.setitem(registry._SOURCES, PROBATION_ENDING, working)
    reminder_scan(today=TODAY)
    run.refresh_from_db()
    assert run.ok and run.error == "" and run.failing_since is None
