"""Demo transfers for `make run` (idempotent: each piece is added only when missing).

- 华东综合大学 (hdu): two introduction letters out of the platform with their receipt stubs still
  outstanding, one of them past its validity (it shows as overdue and produces a reminder);
- 市职业技术学院 (szy): a letter to 华东综合大学, pending there (hdu's incoming list shows it).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from services.members.models import Member
from services.organization.models import OrgUnit
from tenants.models import Institution

from . import issuing
from .models import Transfer

DEMO_REASON = "毕业就业（演示）"
LETTER_ISSUER = "hdu"  # issues the PDF letters and receives the platform letter
LETTER_SENDER = "szy"


def _leavers(count: int) -> list[Member]:
    """Members of the first branch that has some (the demo secretary's) with no account and no
    position."""
    members = Member.objects.filter(
        branch__kind=OrgUnit.Kind.BRANCH, user__isnull=True, positions__isnull=True, status=Member.Status.NORMAL
    ).select_related("branch")
    return list(members.order_by("branch__path", "-id")[:count])


def seed_institution(*, institution: Institution, rng: random.Random) -> None:
    if Transfer.objects.filter(reason=DEMO_REASON).exists():
        return
    today = date.today()
    if institution.code == LETTER_ISSUER:
        people = _leavers(2)
        with transaction.atomic():
            for member, days_ago, to in zip(
                people, (20, 100), ("中共上海某某科技有限公司委员会", "中共某市人才服务中心委员会"), strict=False
            ):
                issuing.issue_external_letters(
                    members=[member],
                    to_organization=to,
                    reason=DEMO_REASON,
                    acting_user=None,
                    today=today - timedelta(days=days_ago),
                )
    elif institution.code == LETTER_SENDER:
        receiver = Institution.objects.filter(code=LETTER_ISSUER, status=Institution.Status.ACTIVE).first()
        people = _leavers(1)
        if receiver is not None and people:
            with transaction.atomic():
                issuing.issue_platform_letters(
                    members=people,
                    to_institution=receiver,
                    reason=DEMO_REASON,
                    acting_user=None,
                    today=today - timedelta(days=3),
                )
