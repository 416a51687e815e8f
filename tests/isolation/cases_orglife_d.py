"""Isolation cases of the minutes routes (organizational life, merged into test_isolation's CASES),
and the objects the role × route matrix acts on (a held meeting of a branch with draft minutes,
an attachment of such minutes)."""

from __future__ import annotations

import io
from datetime import timedelta

from django.db import models
from django.utils import timezone

from services.accounts.models import User
from services.storage.backends import get_storage
from tests.isolation.case import TENANT, Case


def minutes_meeting(branch: models.Model, marker: str) -> models.Model:
    """A meeting of ``branch`` held yesterday, with draft minutes whose topic section holds ``marker``."""
    from services.orglife.models import Meeting, Minutes, MinutesSection

    start = timezone.now() - timedelta(days=1)
    meeting = Meeting.objects.create(
        unit=branch, kind=Meeting.Kind.MEMBER_MEETING, topic=marker, starts_at=start, ends_at=start + timedelta(hours=2)
    )
    minutes = Minutes.objects.create(meeting=meeting)
    MinutesSection.objects.create(minutes=minutes, number=1, code="topics", title="会议议题", text=marker)
    return meeting


def minutes_attachment(branch: models.Model, marker: str) -> models.Model:
    """An attachment of a meeting's draft minutes (its file under "matrix/", removed with the world)."""
    from services.orglife.models import MinutesAttachment

    meeting = minutes_meeting(branch, marker)
    key = f"matrix/minutes/{meeting.pk}/{marker}.txt"
    get_storage().save(key, io.BytesIO(b"x"))
    return MinutesAttachment.objects.create(
        minutes=meeting.minutes,  # type: ignore[attr-defined]
        filename=f"{marker}.txt",
        content_type="text/plain",
        size=1,
        sha256="0" * 64,
        storage_key=key,
    )


def _meeting(owner: User, marker: str) -> models.Model:
    from tests.factories import OrgUnitFactory

    return minutes_meeting(OrgUnitFactory(name=marker), marker)


def _attachment(owner: User, marker: str) -> models.Model:
    from tests.factories import OrgUnitFactory

    return minutes_attachment(OrgUnitFactory(name=marker), marker)


def _branch(owner: User, marker: str) -> models.Model:
    from tests.factories import OrgUnitFactory

    return OrgUnitFactory(name=marker)  # type: ignore[no-any-return]


CASES: dict[tuple[str, str], Case] = {
    # Pages
    (TENANT, "orglife_minutes:detail"): Case("object", factory=_meeting),
    (TENANT, "orglife_minutes:start"): Case("object", factory=_meeting, methods=("post",)),
    (TENANT, "orglife_minutes:edit"): Case("object", factory=_meeting, methods=("get", "post")),
    (TENANT, "orglife_minutes:attach"): Case("object", factory=_meeting, methods=("post",)),
    (TENANT, "orglife_minutes:finalize"): Case("object", factory=_meeting, methods=("get", "post")),
    (TENANT, "orglife_minutes:addendum_add"): Case("object", factory=_meeting, methods=("post",)),
    (TENANT, "orglife_minutes:pdf"): Case("object", factory=_meeting),
    (TENANT, "orglife_minutes:attachment"): Case("object", factory=_attachment),
    (TENANT, "orglife_minutes:attachment_delete"): Case("object", factory=_attachment, methods=("post",)),
    (TENANT, "orglife_minutes:year_pdf"): Case("object", factory=_branch, url_kwargs={"year": "2025"}),
    # API
    (TENANT, "meeting-minutes-detail"): Case("object", factory=_meeting, methods=("get", "patch")),
    (TENANT, "meeting-minutes-finalize"): Case("object", factory=_meeting, methods=("post",)),
    (TENANT, "meeting-minutes-addenda"): Case("object", factory=_meeting, methods=("post",)),
}
