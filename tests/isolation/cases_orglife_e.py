"""Isolation cases for the meeting calendar and democratic appraisal routes (merged into
test_isolation's CASES)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _appraisal(owner: User, marker: str) -> models.Model:
    from services.orglife.models import Appraisal
    from tests.factories import OrgUnitFactory

    return Appraisal.objects.create(branch=OrgUnitFactory(name=marker), year=2026, rating_closes_on=date(2099, 1, 1))


def _still_open(obj: models.Model) -> bool:
    from services.orglife.models import Appraisal

    return Appraisal.objects.filter(pk=obj.pk, status=Appraisal.Status.OPEN).exists()


def _life_meeting(owner: User, marker: str) -> models.Model:
    from django.utils import timezone

    from services.orglife.models import Meeting
    from tests.factories import OrgUnitFactory

    starts = timezone.now()
    return Meeting.objects.create(
        unit=OrgUnitFactory(name=marker), kind=Meeting.Kind.LIFE_MEETING, topic=marker, starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )  # fmt: skip


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "orglife_calendar:page"): Case("page", methods=("get", "post")),
    # Opened by its token alone; an unknown token serves nothing.
    (TENANT, "orglife_calendar:feed"): Case("anonymous", url_kwargs={"token": "x" * 32}),
    (TENANT, "orglife_appraisal:list"): Case("collection", factory=_appraisal),
    (TENANT, "orglife_appraisal:open"): Case("page", methods=("get", "post")),
    (TENANT, "orglife_appraisal:detail"): Case("object", factory=_appraisal),
    (TENANT, "orglife_appraisal:self"): Case("object", factory=_appraisal, methods=("post",)),
    (TENANT, "orglife_appraisal:rate"): Case("object", factory=_appraisal, methods=("post",)),
    (TENANT, "orglife_appraisal:conclude"): Case("object", factory=_appraisal, methods=("post",), exists=_still_open),
    (TENANT, "orglife_life:notes"): Case("object", factory=_life_meeting, methods=("get", "post")),
}
