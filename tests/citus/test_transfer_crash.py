"""The inter-institution transfer on the cluster: one transaction reads A's schema and writes
B's, now a distributed transaction across workers. The worker that holds B is crashed between
the read and the write: nothing moves, nothing half-moves; once the node is back, running the
move again (twice, as a duplicate delivery would) brings exactly one record to B."""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from services.members.models import Member
from services.transfer_exchange.models import ExchangeLetter
from services.transfers import moves
from services.transfers.models import IncomingLetter, Transfer, TransferArrival
from services.transfers.services import incoming_accept, transfer_letter_send
from tenants import citus
from tests.conftest import Institutions, in_schema
from tests.platform.celery_worker import wait_until
from tests.transfers.helpers import graduate, side
from tests.transfers.test_worker import _cleanup

ROOT = Path(__file__).resolve().parents[2]


def _cluster() -> Any:
    spec = importlib.util.spec_from_file_location("citus_cluster", ROOT / "deploy" / "citus" / "cluster.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.setdefault("citus_cluster", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(module)
    return module.Cluster(Path(os.environ["PG_BIN_DIR"]))


@pytest.fixture
def committed(django_db_blocker: Any, institutions: Institutions) -> Iterator[Institutions]:
    with django_db_blocker.unblock():
        yield institutions


class Mover(threading.Thread):
    """``move_letters`` as the Celery task runs it, in a thread with its own connection."""

    def __init__(self, letter_id: str) -> None:
        super().__init__(daemon=True)
        self.letter_id = letter_id
        self.result: dict[str, int] | None = None

    def run(self) -> None:
        try:
            self.result = moves.move_letters(letter_ids=[self.letter_id])
        finally:
            connection.close()


def test_a_worker_crashing_mid_transfer_moves_nobody_then_the_rerun_moves_the_member_once(
    committed: Institutions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = committed.a, committed.b
    cluster = _cluster()
    (b_node,) = citus.schema_nodes(b.schema_name)
    node = cluster.node_at(b_node)
    marker = tmp_path / "paused"
    try:
        with in_schema(b):
            sb = side("cb")
        with in_schema(a):
            sa = side("ca")
            member = graduate(sa.tree.branch_x, status=Member.Status.PROBATIONARY)
            transfer = transfer_letter_send(member=member, to_institution=b, reason="毕业", acting_user=sa.secretary)
        letter_id = str(transfer.letter_id)
        with in_schema(b):
            entry = IncomingLetter.objects.get(letter_id=transfer.letter_id)
            with monkeypatch.context() as patched:  # the move this queues runs below, by hand
                patched.setattr("services.transfers.services.publish_after_commit", lambda *args, **kwargs: None)
                incoming_accept(incoming=[entry], target_branch=sb.tree.branch_x, acting_user=sb.secretary)

        monkeypatch.setenv(moves.PAUSE_ENV, f"{marker}:8")
        mover = Mover(letter_id)
        mover.start()
        try:
            wait_until(marker.exists, timeout=90, what="the move to pause between its read and its write")
            monkeypatch.delenv(moves.PAUSE_ENV)  # the retry, letter by letter, does not pause
            cluster.crash(node)
            mover.join(timeout=180)
        finally:
            cluster.start_node(node)
        assert mover.result == {"moved": 0, "problems": 1}

        # The transaction spanning the two workers never committed: nothing moved, nothing half-moved.
        letter = ExchangeLetter.objects.get(pk=letter_id)
        assert letter.status == ExchangeLetter.Status.ACCEPTED and letter.error  # said, to be retried
        with in_schema(b):
            assert not Member.objects.filter(national_id_index=member.national_id_index).exists()
            assert not TransferArrival.objects.filter(letter_id=letter_id).exists()
        with in_schema(a):
            assert Member.objects.get(pk=member.pk).status == Member.Status.PROBATIONARY

        assert moves.move_letters(letter_ids=[letter_id]) == {"moved": 1, "problems": 0}
        moves.move_letters(letter_ids=[letter_id])  # a duplicate delivery changes nothing
        assert ExchangeLetter.objects.get(pk=letter_id).status == ExchangeLetter.Status.COMPLETED
        with in_schema(b):
            assert Member.objects.filter(national_id_index=member.national_id_index).count() == 1
            assert TransferArrival.objects.filter(letter_id=letter_id).count() == 1
        with in_schema(a):
            assert Member.objects.get(pk=member.pk).status == Member.Status.TRANSFERRED_OUT
            assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.COMPLETED
    finally:
        if not cluster.running(node):
            cluster.start_node(node)
        ExchangeLetter.objects.filter(from_institution=a).delete()
        _cleanup(a.schema_name, ["ca_sec"])
        _cleanup(b.schema_name, ["cb_sec"])
