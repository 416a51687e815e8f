"""Isolation cases for the meeting templates page (merged into test_isolation's CASES)."""

from __future__ import annotations

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _local_step(owner: User, marker: str) -> models.Model:
    from services.orglife.models import LocalMeetingStep
    from services.procedures.models import MeetingStep

    return LocalMeetingStep.objects.create(after_step=MeetingStep.objects.order_by("pk").first(), title=marker)


def _active(obj: models.Model) -> bool:
    from services.orglife.models import LocalMeetingStep

    return LocalMeetingStep.objects.filter(pk=obj.pk, active=True).exists()


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "orglife_templates:page"): Case("collection", factory=_local_step, methods=("get", "post")),
    (TENANT, "orglife_templates:local_step_toggle"): Case(
        "object", factory=_local_step, methods=("post",), exists=_active
    ),
}
