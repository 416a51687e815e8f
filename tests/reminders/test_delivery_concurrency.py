"""Two digest runs at once never send the same reminders twice: rows another run has claimed
(locked) are skipped, and sent later only if that run gives them back."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.core import mail
from django.db import connection, transaction

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import OrgUnit, Position
from services.reminders.delivery import reminder_digests_send
from services.reminders.models import Reminder
from services.reminders.services import reminder_scan
from tests.conftest import Institutions, in_schema
from tests.factories import MemberFactory
from tests.reminders.helpers import TODAY, person
from tests.reminders.test_delivery import DUE, TUESDAY


@pytest.fixture
def committed(django_db_blocker: pytest.FixtureRequest, institutions: Institutions) -> Iterator[Institutions]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        yield institutions


def test_rows_claimed_by_another_run_are_skipped_then_sent_when_released(committed: Institutions) -> None:
    a = committed.a
    with in_schema(a):
        unit = OrgUnit.objects.create(name="并发邮件支部", kind=OrgUnit.Kind.BRANCH, path="")
        OrgUnit.objects.filter(pk=unit.pk).update(path=f"{unit.pk}.")
        unit.refresh_from_db()
        secretary, secretary_member = person(unit, "lock_sec", Position.Kind.SECRETARY, email="lock@example.edu.cn")
        members = [MemberFactory(branch=unit, status=Member.Status.PROBATIONARY, joined_on=DUE) for _ in range(2)]
        reminder_scan(today=TODAY)
    claimed = threading.Event()
    release = threading.Event()

    def other_run_holding_the_claim() -> None:
        try:
            with in_schema(a), transaction.atomic():
                list(Reminder.objects.filter(recipient=secretary).select_for_update())
                claimed.set()
                release.wait(timeout=60)  # then "crashes": rolls back without sending
        finally:
            connection.close()

    holder = threading.Thread(target=other_run_holding_the_claim)
    try:
        mail.outbox = []
        holder.start()
        assert claimed.wait(timeout=60)
        with in_schema(a):
            reminder_digests_send(today=TUESDAY)
        assert [m for m in mail.outbox if secretary.email in m.to] == []  # skipped, not waited for
        release.set()
        holder.join(timeout=60)
        with in_schema(a):
            reminder_digests_send(today=TUESDAY)
            assert not Reminder.objects.filter(recipient=secretary, emailed_at__isnull=True).exists()
        assert len([m for m in mail.outbox if secretary.email in m.to]) == 1
    finally:
        release.set()
        holder.join(timeout=60)
        with in_schema(a):
            Reminder.objects.filter(recipient=secretary).delete()
            Reminder.objects.filter(member__in=members).delete()
            Member.objects.filter(pk__in=[m.pk for m in [*members, secretary_member]]).delete()
            User.objects.filter(pk=secretary.pk).delete()
            OrgUnit.objects.filter(pk=unit.pk).delete()
