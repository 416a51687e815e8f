"""External training: the member reports it with a certificate (a PDF or photo, not too large);
a manager of the branch approves it or returns it with a note; an approved report is final."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from services.study import media
from services.study.models import Training
from services.study.trainings import training_decide, training_report

from .conftest import World

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _report(world: World, content: bytes = PDF, name: str = "证书.pdf", **extra: object) -> Training:
    fields = {"title": "党校培训班", "organizer": "市委党校", "finished_on": timezone.localdate(), "class_hours": 8}
    fields.update(extra)
    return training_report(
        acting_user=world.member,
        certificate=io.BytesIO(content),
        certificate_name=name,
        **fields,  # type: ignore[arg-type]
    )


def test_a_member_reports_and_the_secretary_approves(world: World) -> None:
    row = _report(world)
    assert row.status == Training.Status.PENDING and row.member == world.members[1]
    done = training_decide(acting_user=world.secretary, training=row, approve=True)
    assert done.status == Training.Status.APPROVED and done.reviewed_by == world.secretary
    with pytest.raises(ValidationError, match="已审核过"):
        training_decide(acting_user=world.secretary, training=row, approve=False, note="再看看")


def test_returning_needs_a_reason(world: World) -> None:
    row = _report(world)
    with pytest.raises(ValidationError, match="退回时请写明原因"):
        training_decide(acting_user=world.secretary, training=row, approve=False)
    returned = training_decide(acting_user=world.secretary, training=row, approve=False, note="证书不清晰")
    assert returned.status == Training.Status.RETURNED and returned.note == "证书不清晰"


def test_only_the_branchs_managers_decide_and_never_their_own(world: World) -> None:
    row = _report(world)
    with pytest.raises(PermissionDenied):
        training_decide(acting_user=world.member, training=row, approve=True)
    own = training_report(
        acting_user=world.secretary, title="自学", organizer="党校", finished_on=timezone.localdate(),
        class_hours=4, certificate=io.BytesIO(PDF), certificate_name="c.pdf",
    )  # fmt: skip
    with pytest.raises(PermissionDenied, match="不能审核自己"):
        training_decide(acting_user=world.secretary, training=own, approve=True)


def test_a_certificate_of_the_wrong_type_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="结业证书只能是 PDF"):
        _report(world, content="证书".encode() * 10, name="证书.txt")
    with pytest.raises(ValidationError, match="可执行文件"):
        _report(world, content=b"MZ\x90\x00" * 10, name="证书.exe")


def test_a_certificate_too_large_is_refused(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media, "CERTIFICATE_MAX_BYTES", 20)
    with pytest.raises(ValidationError, match="结业证书不能超过"):
        _report(world)


def test_bad_fields_are_refused_each_with_its_message(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        _report(world, title=" ", class_hours=0, finished_on=timezone.localdate() + timedelta(days=3))
    assert set(caught.value.message_dict) == {"title", "class_hours", "finished_on"}
