"""The scan task through a real Celery worker process on the real broker: the reminders land in
the institution the task was queued for, and nowhere else."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dateutil.relativedelta import relativedelta

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import OrgUnit, Position
from services.reminders.models import Reminder
from services.reminders.tasks import scan_reminders
from tests.conftest import Institutions, in_schema
from tests.factories import MemberFactory
from tests.platform.celery_worker import celery_worker, wait_until
from tests.reminders.helpers import TODAY, person


@pytest.fixture
def committed(django_db_blocker: pytest.FixtureRequest, institutions: Institutions) -> Iterator[Institutions]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        yield institutions


def _reminders(institution: object, title_part: str) -> int:
    with in_schema(institution):  # type: ignore[arg-type]
        return Reminder.objects.filter(title__contains=title_part).count()


def test_worker_runs_the_scan_inside_that_institution_only(committed: Institutions) -> None:
    a, b = committed.a, committed.b
    with in_schema(a):
        unit = OrgUnit.objects.create(name="任务测试支部", kind=OrgUnit.Kind.BRANCH, path="")
        OrgUnit.objects.filter(pk=unit.pk).update(path=f"{unit.pk}.")
        unit.refresh_from_db()
        secretary, secretary_member = person(unit, "worker_sec", Position.Kind.SECRETARY)
        member = MemberFactory(
            branch=unit,
            name="任务测试预备党员",
            status=Member.Status.PROBATIONARY,
            joined_on=TODAY - relativedelta(months=12),
        )
    try:
        with celery_worker() as queue:
            scan_reminders.apply_async(args=[a.schema_name, TODAY.isoformat()], queue=queue)
            wait_until(lambda: _reminders(a, "任务测试预备党员") > 0, what="the scan's reminders in A")
        with in_schema(a):
            assert Reminder.objects.filter(recipient=secretary, member=member).count() == 1
        assert _reminders(b, "任务测试预备党员") == 0
    finally:
        with in_schema(a):
            Reminder.objects.filter(recipient=secretary).delete()
            Reminder.objects.filter(member__in=[member, secretary_member]).delete()
            Member.objects.filter(pk__in=[member.pk, secretary_member.pk]).delete()
            User.objects.filter(pk=secretary.pk).delete()
            OrgUnit.objects.filter(pk=unit.pk).delete()
