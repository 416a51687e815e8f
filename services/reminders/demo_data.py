"""Demo reminders for `make run`: something due in the demo secretary's branch, then a scan.

The demo branch (the first teacher branch) has no probationary members, so this adds, once:
a committee term for the branch that ends within the warning period, and a stay abroad for
the demo member whose last contact was seven months ago. The scan then gives the secretary
(the branch's manager) and the member their reminders. Idempotent: the additions are made only
when missing and the scan never duplicates.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from services.members.models import Member, TimeAbroad
from services.organization.models import Position, Term

from .dates import add_months
from .services import reminder_scan


def seed_institution(*, institution: object, rng: random.Random) -> None:
    today = timezone.localdate()
    secretary = (
        Position.objects.filter(kind=Position.Kind.SECRETARY, member__user__username="secretary")
        .select_related("unit")
        .first()
    )
    if secretary is not None:
        branch = secretary.unit
        if not Term.objects.filter(unit=branch).exists():
            ends_on = today + timedelta(days=45)
            Term.objects.create(unit=branch, started_on=add_months(ends_on, -36), ends_on=ends_on)
        member = Member.objects.filter(user__username="member").first()
        if member is not None and not TimeAbroad.objects.filter(member=member).exists():
            TimeAbroad.objects.create(
                member=member,
                country="英国",
                purpose="访问学者",
                left_on=add_months(today, -9),
                last_contact_on=add_months(today, -7),
            )
    reminder_scan(today=today)
