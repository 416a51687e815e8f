"""The move runs in a real Celery worker; killing that worker midway loses and duplicates nobody
(nor their development dossier and its stored documents)."""

from __future__ import annotations

import io
import signal
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.accounts.models import User
from services.development.models import Dossier, DossierDocument, DossierStep, Stage
from services.development.services import dossier_document_key
from services.members.models import Member
from services.openness.models import BoardItem
from services.organization.models import OrgUnit
from services.storage.backends import get_storage
from services.transfer_exchange.models import ExchangeLetter
from services.transfers.models import IncomingLetter, Transfer, TransferArrival
from services.transfers.moves import PAUSE_ENV
from services.transfers.services import incoming_accept, transfer_letter_send
from services.transfers.tasks import move_letters
from tests.conftest import Institutions, in_schema
from tests.platform.celery_worker import wait_until, worker_process
from tests.transfers.helpers import graduate, side

# The worker process reads the deployment's storage root (tests/support/media.py).
pytestmark = pytest.mark.usefixtures("real_media")


@pytest.fixture
def committed(django_db_blocker: Any, institutions: Institutions) -> Iterator[Institutions]:
    with django_db_blocker.unblock():
        yield institutions


def _with_dossier(member: Member) -> None:
    """A probationary member's dossier with one step and one stored document (in the member's schema)."""
    dossier = Dossier.objects.create(
        name=member.name,
        gender=member.gender,
        birth_date=member.birth_date,
        national_id=member.national_id,
        national_id_index=member.national_id_index,
        category=member.category,
        branch=member.branch,
        member=member,
        stage=Stage.PROBATIONARY,
        applied_on=date(2022, 1, 10),
        admitted_on=date(2024, 10, 15),
        probation_ends_on=date(2025, 10, 15),
    )
    step = DossierStep.objects.create(
        dossier=dossier, code="admission_meeting", title="支部党员大会讨论接收", occurred_on=date(2024, 10, 15)
    )
    key = dossier_document_key(step, "志愿书.pdf")
    get_storage().save(key, io.BytesIO(b"%PDF-1.4 volunteer form"))
    DossierDocument.objects.create(step=step, kind="入党志愿书", filename="志愿书.pdf", storage_key=key, size=23)


def _cleanup(schema: str, usernames: list[str]) -> None:
    get_storage().delete_prefix(f"{schema}/development/")
    with in_schema(schema):
        Dossier.objects.all().delete()
        Transfer.objects.all().delete()
        TransferArrival.objects.all().delete()
        IncomingLetter.objects.all().delete()
        Member.objects.filter(name__isnull=False, user__username__in=usernames).update(user=None)
        Member.objects.all().delete()
        BoardItem.objects.all().delete()  # what other committed tests published to the units
        for unit in OrgUnit.objects.order_by("-path"):
            unit.delete()
        User.objects.filter(username__in=usernames).delete()


def test_killing_the_worker_between_read_and_commit_then_rerunning_moves_the_member_once(
    committed: Institutions, tmp_path: Path
) -> None:
    a, b = committed.a, committed.b
    marker = tmp_path / "paused"
    try:
        with in_schema(b):
            sb = side("wb")
        with in_schema(a):
            sa = side("wa")
            member = graduate(sa.tree.branch_x, status=Member.Status.PROBATIONARY)
            _with_dossier(member)
            transfer = transfer_letter_send(member=member, to_institution=b, reason="毕业", acting_user=sa.secretary)
        letter_id = str(transfer.letter_id)

        with worker_process(**{PAUSE_ENV: f"{marker}:120"}) as (_queue, process):
            with in_schema(b):  # the acceptance queues the move (on commit) to this worker
                entry = IncomingLetter.objects.get(letter_id=transfer.letter_id)
                incoming_accept(incoming=[entry], target_branch=sb.tree.branch_x, acting_user=sb.secretary)
            wait_until(marker.exists, timeout=90, what="the move to pause between its read and its commit")
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)

        # The dead worker's transaction never committed: nothing moved, nothing half-moved.
        assert ExchangeLetter.objects.get(pk=letter_id).status == ExchangeLetter.Status.ACCEPTED
        with in_schema(b):
            assert not Member.objects.filter(national_id_index=member.national_id_index).exists()
            assert not TransferArrival.objects.filter(letter_id=letter_id).exists()
            assert not Dossier.objects.exists()
        assert list(get_storage().list(f"{b.schema_name}/development/")) == []
        with in_schema(a):
            assert Member.objects.get(pk=member.pk).status == Member.Status.PROBATIONARY

        with worker_process() as (queue, _process):
            move_letters.apply_async(args=[[letter_id]], queue=queue)
            move_letters.apply_async(args=[[letter_id]], queue=queue)  # a duplicate delivery
            wait_until(
                lambda: ExchangeLetter.objects.get(pk=letter_id).status == ExchangeLetter.Status.COMPLETED,
                timeout=90,
                what="the re-run to complete the move",
            )
        with in_schema(b):
            assert Member.objects.filter(national_id_index=member.national_id_index).count() == 1
            assert TransferArrival.objects.filter(letter_id=letter_id).count() == 1
            copy = Dossier.objects.get(national_id_index=member.national_id_index)
            document = DossierDocument.objects.get(step__dossier=copy)
            with get_storage().open(document.storage_key) as stored:
                assert stored.read() == b"%PDF-1.4 volunteer form"
        assert len(list(get_storage().list(f"{b.schema_name}/development/"))) == 1
        with in_schema(a):
            assert Member.objects.get(pk=member.pk).status == Member.Status.TRANSFERRED_OUT
            assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.COMPLETED
    finally:
        ExchangeLetter.objects.filter(from_institution=a).delete()
        _cleanup(a.schema_name, ["wa_sec"])
        _cleanup(b.schema_name, ["wb_sec"])
