"""The scan: idempotent (twice, and two scans racing), resolution, recipients by scope."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection

from services.members.models import Member
from services.members.reminders import ABROAD_CONTACT, PROBATION_ENDING
from services.organization.models import AdminGrant, OrgUnit, Position
from services.reminders import registry
from services.reminders.models import Reminder
from services.reminders.services import reminder_scan
from tenants.models import Institution
from tests.conftest import Institutions, in_schema
from tests.factories import MemberFactory, UserFactory
from tests.members.helpers import build_tree
from tests.reminders.helpers import TODAY, keys_of, person, unit_admin

DUE_PROBATION = TODAY - relativedelta(months=12) + timedelta(days=10)  # ends in 10 days


def test_scanning_twice_creates_nothing_the_second_time(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        for _ in range(3):
            MemberFactory(branch=tree.branch_x, status=Member.Status.PROBATIONARY, joined_on=DUE_PROBATION)
        first = reminder_scan(today=TODAY)
        rows = list(Reminder.objects.order_by("pk").values_list("pk", "recipient_id", "key"))
        second = reminder_scan(today=TODAY)
        assert first.created >= 3 and second.created == 0
        assert second.produced == first.produced
        assert list(Reminder.objects.order_by("pk").values_list("pk", "recipient_id", "key")) == rows


def test_the_database_refuses_a_second_reminder_for_the_same_recipient_and_key(inst_a: Institution) -> None:
    from django.db import IntegrityError, transaction

    with in_schema(inst_a):
        user = UserFactory()
        fields = {"recipient": user, "key": "k:1", "source": "s", "kind": "s", "title": "t", "due_on": TODAY}
        Reminder.objects.create(**fields)
        with pytest.raises(IntegrityError), transaction.atomic():
            Reminder.objects.create(**fields)


def test_a_reminder_no_longer_produced_is_resolved_not_deleted_and_reopens_if_it_returns(
    inst_a: Institution,
) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        secretary, _ = person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        member = MemberFactory(branch=tree.branch_x, status=Member.Status.PROBATIONARY, joined_on=DUE_PROBATION)
        reminder_scan(today=TODAY)
        [reminder] = Reminder.objects.filter(recipient=secretary, kind=PROBATION_ENDING)
        Member.objects.filter(pk=member.pk).update(status=Member.Status.NORMAL)  # confirmed
        result = reminder_scan(today=TODAY)
        reminder.refresh_from_db()
        assert result.resolved >= 1 and reminder.resolved_at is not None
        assert keys_of(secretary, PROBATION_ENDING) == set()
        Member.objects.filter(pk=member.pk).update(status=Member.Status.PROBATIONARY)  # corrected back
        reminder_scan(today=TODAY)
        reminder.refresh_from_db()
        assert reminder.resolved_at is None
        assert Reminder.objects.filter(recipient=secretary, kind=PROBATION_ENDING).count() == 1


def test_overdue_and_due_items_are_both_listed(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        secretary, _ = person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        MemberFactory(branch=tree.branch_x, status=Member.Status.PROBATIONARY, joined_on=DUE_PROBATION)
        MemberFactory(branch=tree.branch_x, status=Member.Status.PROBATIONARY, joined_on=date(2020, 5, 1))
        reminder_scan(today=TODAY)
        due_dates = sorted(Reminder.objects.filter(recipient=secretary).values_list("due_on", flat=True))
        assert due_dates == [date(2021, 5, 1), TODAY + timedelta(days=10)]


def test_secretary_gets_reminders_for_their_branch_not_others(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        sec_x, _ = person(tree.branch_x, "sec_x", Position.Kind.SECRETARY)
        deputy_x, _ = person(tree.branch_x, "dep_x", Position.Kind.DEPUTY_SECRETARY)
        org_x, _ = person(tree.branch_x, "org_x", Position.Kind.ORGANIZATION)
        discipline_x, _ = person(tree.branch_x, "dis_x", Position.Kind.DISCIPLINE)
        sec_z, _ = person(tree.branch_z, "sec_z", Position.Kind.SECRETARY)
        college_admin = unit_admin(tree.college, "college_admin")
        institution_admin = unit_admin(tree.committee, "org_dept", AdminGrant.Role.INSTITUTION_ADMIN)
        member_x = MemberFactory(branch=tree.branch_x, status=Member.Status.PROBATIONARY, joined_on=DUE_PROBATION)
        member_z = MemberFactory(branch=tree.branch_z, status=Member.Status.PROBATIONARY, joined_on=DUE_PROBATION)
        reminder_scan(today=TODAY)
        key_x = f"{PROBATION_ENDING}:{member_x.pk}:{(TODAY + timedelta(days=10)).isoformat()}"
        key_z = f"{PROBATION_ENDING}:{member_z.pk}:{(TODAY + timedelta(days=10)).isoformat()}"
        for manager in (sec_x, deputy_x, org_x, college_admin, institution_admin):
            assert key_x in keys_of(manager), manager.username
        assert keys_of(sec_x) & {key_z} == set()
        assert keys_of(college_admin) & {key_z} == set()
        assert key_z in keys_of(sec_z) and key_z in keys_of(institution_admin)
        assert key_x not in keys_of(sec_z)
        assert keys_of(discipline_x) == set()  # sees the branch, does not manage it


def test_a_position_that_ended_or_a_revoked_grant_receives_nothing(inst_a: Institution) -> None:
    from django.utils import timezone

    with in_schema(inst_a):
        tree = build_tree()
        former, former_member = person(tree.branch_x, "former")
        Position.objects.create(
            member=former_member,
            unit=tree.branch_x,
            kind=Position.Kind.SECRETARY,
            started_on=date(2020, 1, 1),
            ended_on=TODAY - timedelta(days=1),
        )
        revoked = unit_admin(tree.college, "revoked")
        AdminGrant.objects.filter(user=revoked).update(revoked_at=timezone.now())
        MemberFactory(branch=tree.branch_x, status=Member.Status.PROBATIONARY, joined_on=DUE_PROBATION)
        reminder_scan(today=TODAY)
        assert keys_of(former) == set() and keys_of(revoked) == set()


def test_a_member_gets_their_own_reminder_and_a_manager_losing_the_post_sees_it_resolved(
    inst_a: Institution,
) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        sec, sec_member = person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        me, _member = person(tree.branch_x, "me", status=Member.Status.PROBATIONARY, joined_on=DUE_PROBATION)
        reminder_scan(today=TODAY)
        assert len(keys_of(me, PROBATION_ENDING)) == 1
        Position.objects.filter(member=sec_member).update(ended_on=TODAY - timedelta(days=1))
        reminder_scan(today=TODAY)
        assert keys_of(sec, PROBATION_ENDING) == set()
        assert len(keys_of(me, PROBATION_ENDING)) == 1


def test_a_failing_source_neither_stops_the_others_nor_resolves_its_own_reminders(
    inst_a: Institution, monkeypatch: pytest.MonkeyPatch
) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        sec, _ = person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        MemberFactory(branch=tree.branch_x, status=Member.Status.PROBATIONARY, joined_on=DUE_PROBATION)
        reminder_scan(today=TODAY)
        before = keys_of(sec, PROBATION_ENDING)
        assert before

        def broken(today: date) -> Iterator[registry.Due]:
            raise RuntimeError("source down")

        monkeypatch.setitem(registry._SOURCES, PROBATION_ENDING, broken)
        member = MemberFactory(branch=tree.branch_x, status=Member.Status.ABROAD)
        member.time_abroad.create(country="法国", purpose="交流", left_on=date(2025, 1, 1))
        result = reminder_scan(today=TODAY)
        assert result.failed_sources == [PROBATION_ENDING]
        assert keys_of(sec, PROBATION_ENDING) == before
        assert keys_of(sec, ABROAD_CONTACT)


def test_inactive_users_receive_nothing(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        sec, _ = person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        sec.is_active = False
        sec.save(update_fields=["is_active"])
        MemberFactory(branch=tree.branch_x, status=Member.Status.PROBATIONARY, joined_on=DUE_PROBATION)
        reminder_scan(today=TODAY)
        assert keys_of(sec) == set()


# --- two scans racing on two connections (committed data) -------------------------------------


@pytest.fixture
def committed(django_db_blocker: pytest.FixtureRequest, institutions: Institutions) -> Iterator[Institutions]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        yield institutions


def test_two_scans_racing_on_two_connections_create_each_reminder_once(committed: Institutions) -> None:
    from services.accounts.models import User

    a = committed.a
    with in_schema(a):
        unit = OrgUnit.objects.create(name="竞态测试支部", kind=OrgUnit.Kind.BRANCH, path="")
        OrgUnit.objects.filter(pk=unit.pk).update(path=f"{unit.pk}.")
        unit.refresh_from_db()
        sec, sec_member = person(unit, "race_sec", Position.Kind.SECRETARY)
        members = [
            MemberFactory(branch=unit, status=Member.Status.PROBATIONARY, joined_on=DUE_PROBATION) for _ in range(50)
        ]
    barrier = threading.Barrier(2)
    results: list[object] = []
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            with in_schema(a):
                barrier.wait(timeout=60)
                results.append(reminder_scan(today=TODAY))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=scan) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors
        with in_schema(a):
            rows = Reminder.objects.filter(recipient=sec, kind=PROBATION_ENDING)
            assert rows.count() == 50
            assert sum(r.created for r in results) >= 50  # type: ignore[attr-defined]
    finally:
        with in_schema(a):
            Reminder.objects.filter(recipient__in=[sec, *[m.user for m in members if m.user]]).delete()
            Reminder.objects.filter(member__in=members).delete()
            Member.objects.filter(pk__in=[m.pk for m in members]).delete()
            Position.objects.filter(member=sec_member).delete()
            Member.objects.filter(pk=sec_member.pk).delete()
            User.objects.filter(pk=sec.pk).delete()
            OrgUnit.objects.filter(pk=unit.pk).delete()
