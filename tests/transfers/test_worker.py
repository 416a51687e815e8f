"""The move runs in a real Celery worker; killing that worker midway loses and duplicates nobody."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import OrgUnit
from services.transfer_exchange.models import ExchangeLetter
from services.transfers.models import IncomingLetter, Transfer, TransferArrival
from services.transfers.moves import PAUSE_ENV
from services.transfers.services import incoming_accept, transfer_letter_send
from services.transfers.tasks import move_letters
from tests.conftest import Institutions, in_schema
from tests.platform.celery_worker import wait_until
from tests.transfers.helpers import graduate, side
from tests.transfers.worker import killable_worker


@pytest.fixture
def committed(django_db_blocker: Any, institutions: Institutions) -> Iterator[Institutions]:
    with django_db_blocker.unblock():
        yield institutions


def _cleanup(schema: str, usernames: list[str]) -> None:
    with in_schema(schema):
        Transfer.objects.all().delete()
        TransferArrival.objects.all().delete()
        IncomingLetter.objects.all().delete()
        Member.objects.filter(name__isnull=False, user__username__in=usernames).update(user=None)
        Member.objects.all().delete()
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
            member = graduate(sa.tree.branch_x)
            transfer = transfer_letter_send(member=member, to_institution=b, reason="毕业", acting_user=sa.secretary)
        letter_id = str(transfer.letter_id)

        with killable_worker(**{PAUSE_ENV: f"{marker}:120"}) as (_queue, process):
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
        with in_schema(a):
            assert Member.objects.get(pk=member.pk).status == Member.Status.NORMAL

        with killable_worker() as (queue, _process):
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
        with in_schema(a):
            assert Member.objects.get(pk=member.pk).status == Member.Status.TRANSFERRED_OUT
            assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.COMPLETED
    finally:
        ExchangeLetter.objects.filter(from_institution=a).delete()
        _cleanup(a.schema_name, ["wa_sec"])
        _cleanup(b.schema_name, ["wb_sec"])
