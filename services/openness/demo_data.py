"""Demo data of the 党务公开 board: a notice of the institution (published by its administrator)
and one of the demo secretary's branch. The development publicity on the board comes from the
development demo (its committee review is recorded through the service, which publishes it), as
it would in use. Idempotent: each item has a source key, so a second run changes nothing."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from services.accounts.models import User
from services.organization.models import Position

from .models import BoardItem
from .services import publish_item

INSTITUTION_NOTICE = (
    "关于开展2026年度党员民主评议工作的通知",
    "各二级党组织、各党支部：\n根据党章和《中国共产党支部工作条例（试行）》，学校党委决定在年底前开展"
    "2026年度党员民主评议工作。请各党支部结合组织生活会，按照学习教育、自我评价、民主测评、组织评定的步骤进行，"
    "并于次年1月15日前将评议情况报二级党组织。",
)
BRANCH_NOTICE = (
    "党支部2026年第四季度主题党日安排",
    "本季度主题党日安排如下：\n10月：学习党的二十届四中全会精神；\n11月：参观校史馆；\n12月：组织生活会和民主评议党员。",
)


def seed_institution(*, institution: Any, rng: random.Random) -> None:
    today = timezone.localdate()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is not None:
        publish_item(
            acting_user=admin,
            kind=BoardItem.Kind.NOTICE,
            unit=None,
            title=INSTITUTION_NOTICE[0],
            body=INSTITUTION_NOTICE[1],
            source_key="demo:institution-notice",
            published_on=today - timedelta(days=5),
        )
    position = (
        Position.objects.filter(kind=Position.Kind.SECRETARY, member__user__username="secretary")
        .select_related("unit", "member__user")
        .first()
    )
    if position is not None and position.member.user is not None:
        publish_item(
            acting_user=position.member.user,
            kind=BoardItem.Kind.NOTICE,
            unit=position.unit,
            title=BRANCH_NOTICE[0],
            body=BRANCH_NOTICE[1],
            source_key="demo:branch-notice",
            published_on=today - timedelta(days=20),
            ends_on=today + timedelta(days=40),
        )
