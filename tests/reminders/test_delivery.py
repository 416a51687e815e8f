"""E-mail: one digest per user, daily or weekly (Mondays), immediate after the scan commits,
never twice, and a failed send loses nothing (it stays in the notification outbox)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from services.accounts.models import User
from services.members.models import Member
from services.notifications.delivery import outbox_drain
from services.notifications.models import Message
from services.organization.models import Position
from services.reminders.delivery import reminder_digests_send
from services.reminders.models import Reminder, ReminderPreference
from services.reminders.services import reminder_mark_read, reminder_preference_set, reminder_scan
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory
from tests.members.helpers import build_tree
from tests.reminders.helpers import TODAY, person

TUESDAY = TODAY + timedelta(days=1)
DUE = TODAY - relativedelta(months=12) + timedelta(days=10)


def _setup(count: int = 2, preference: str | None = None) -> User:
    tree = build_tree()
    secretary, _ = person(tree.branch_x, "sec", Position.Kind.SECRETARY, email="sec@example.edu.cn")
    if preference:
        reminder_preference_set(user=secretary, email=preference)
    for _ in range(count):
        MemberFactory(branch=tree.branch_x, status=Member.Status.PROBATIONARY, joined_on=DUE)
    return secretary


def _mails_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if address in m.to]


def test_daily_digest_is_one_email_per_user_listing_all_their_reminders(inst_a: Institution) -> None:
    with in_schema(inst_a):
        secretary = _setup(count=3)
        reminder_scan(today=TODAY)
        assert _mails_to(secretary.email) == []  # daily is the default: nothing at scan time
        reminder_digests_send(today=TUESDAY)
        [message] = _mails_to(secretary.email)
        titles = list(Reminder.objects.filter(recipient=secretary).values_list("title", flat=True))
        assert len(titles) == 3
        for title in titles:
            assert title in message.body
        assert "3" in message.subject
        assert "预备期（" in message.body  # each item says its rule, by its title
        assert "probation.months" not in message.body
        assert not Reminder.objects.filter(recipient=secretary, emailed_at__isnull=True).exists()


def test_a_second_digest_run_sends_nothing_again(inst_a: Institution) -> None:
    with in_schema(inst_a):
        secretary = _setup()
        reminder_scan(today=TODAY)
        reminder_digests_send(today=TUESDAY)
        reminder_scan(today=TUESDAY)
        reminder_digests_send(today=TUESDAY)
        assert len(_mails_to(secretary.email)) == 1


def test_weekly_digest_goes_out_on_mondays_only(inst_a: Institution) -> None:
    with in_schema(inst_a):
        secretary = _setup(preference=ReminderPreference.Email.WEEKLY)
        reminder_scan(today=TODAY - timedelta(days=3))  # a Friday
        reminder_digests_send(today=TODAY - timedelta(days=2))  # Saturday
        reminder_digests_send(today=TODAY - timedelta(days=1))  # Sunday
        assert _mails_to(secretary.email) == []
        reminder_digests_send(today=TODAY)  # Monday
        assert len(_mails_to(secretary.email)) == 1


def test_immediate_reminders_are_sent_when_the_scan_commits(
    inst_a: Institution, django_capture_on_commit_callbacks: Any
) -> None:
    with in_schema(inst_a):
        secretary = _setup(preference=ReminderPreference.Email.IMMEDIATE)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            reminder_scan(today=TODAY)
            assert _mails_to(secretary.email) == []  # not before the commit
        for callback in callbacks:
            callback()
        assert len(_mails_to(secretary.email)) == 1
        with django_capture_on_commit_callbacks(execute=True):
            reminder_scan(today=TODAY)  # nothing new: nothing sent
        reminder_digests_send(today=TUESDAY)
        assert len(_mails_to(secretary.email)) == 1


def test_off_means_no_email_but_the_portal_still_has_them(inst_a: Institution) -> None:
    with in_schema(inst_a):
        secretary = _setup(preference=ReminderPreference.Email.OFF)
        reminder_scan(today=TODAY)
        reminder_digests_send(today=TODAY)
        assert _mails_to(secretary.email) == []
        assert Reminder.objects.filter(recipient=secretary, resolved_at__isnull=True).count() == 2


def test_reminders_already_read_in_the_portal_are_not_mailed(inst_a: Institution) -> None:
    with in_schema(inst_a):
        secretary = _setup()
        reminder_scan(today=TODAY)
        reminder_mark_read(user=secretary)
        reminder_digests_send(today=TUESDAY)
        assert _mails_to(secretary.email) == []


def test_users_without_an_address_are_skipped_and_others_still_served(inst_a: Institution) -> None:
    with in_schema(inst_a):
        secretary = _setup()
        User.objects.filter(pk=secretary.pk).update(email="")
        reminder_scan(today=TODAY)
        assert reminder_digests_send(today=TUESDAY) == 0
        assert Reminder.objects.filter(recipient=secretary, emailed_at__isnull=True).count() == 2


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise OSError("SMTP server unreachable")


def test_a_failed_send_stays_in_the_outbox_and_is_retried_without_a_second_digest(
    inst_a: Institution, settings: pytest.FixtureRequest
) -> None:
    with in_schema(inst_a):
        secretary = _setup()
        reminder_scan(today=TODAY)
        settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"  # type: ignore[attr-defined]
        assert reminder_digests_send(today=TUESDAY) == 1  # the digest is in the outbox
        [message] = Message.objects.filter(user=secretary, kind="reminder_digest")
        assert message.status == Message.Status.PENDING and message.attempts == 1
        assert "SMTP server unreachable" in message.last_error
        assert _mails_to(secretary.email) == []
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]
        assert reminder_digests_send(today=TUESDAY) == 0  # the reminders are not claimed twice
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox_drain()  # the outbox's retry (beat's housekeeping, every minute)
        assert len(_mails_to(secretary.email)) == 1


def test_the_email_is_chinese_and_links_to_the_institution_site(inst_a: Institution) -> None:
    with in_schema(inst_a):
        secretary = _setup(count=1)
        reminder_scan(today=TODAY)
        reminder_digests_send(today=TUESDAY)
        [message] = _mails_to(secretary.email)
        assert "提醒" in message.subject
        assert "预备期" in message.body
        assert f"{inst_a.code}." in message.body and "/reminders/" in message.body
