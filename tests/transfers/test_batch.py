"""Batch transfers: one failure never blocks the others, a re-run issues nothing twice."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from services.members.models import Member
from services.storage.backends import get_storage
from services.transfer_exchange.models import ExchangeLetter
from services.transfers import batches, moves, selectors
from services.transfers.models import BatchItem, BatchTransfer, IncomingLetter, Transfer
from services.transfers.services import incoming_accept
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory
from tests.transfers.helpers import graduate, side


def test_a_batch_to_an_institution_issues_one_letter_each_and_reports_per_person(
    inst_a: Institution, inst_b: Institution
) -> None:
    with in_schema(inst_b):
        sb = side("b")
    with in_schema(inst_a):
        sa = side("a")
        students = [graduate(sa.tree.branch_x, number=f"S{i:03d}") for i in range(5)]
        lost = MemberFactory(
            branch=sa.tree.branch_x, category=Member.Category.STUDENT, number="S999", status=Member.Status.LOST_CONTACT
        )
        MemberFactory(branch=sa.tree.branch_x, category=Member.Category.FACULTY)  # not selected
        members, missing = batches.batch_candidates(
            acting_user=sa.secretary, branch=sa.tree.branch_x, category=Member.Category.STUDENT
        )
        assert missing == [] and len(members) == 6
        batch = batches.batch_create(
            members=list(members),
            destination="platform",
            reason="毕业",
            acting_user=sa.secretary,
            to_institution=inst_b,
        )
        batches.batch_run(batch=batch)
        batch.refresh_from_db()
        assert (batch.status, batch.total, batch.processed, batch.ok_count, batch.error_count) == ("done", 6, 6, 5, 1)
        failed = BatchItem.objects.get(batch=batch, member=lost)
        assert failed.result == BatchItem.Result.ERROR and "不能转出" in failed.message

        # Re-running (a redelivered message) issues nothing twice.
        BatchTransfer.objects.filter(pk=batch.pk).update(status=BatchTransfer.Status.RUNNING)
        batches.batch_run(batch=batch)
        assert Transfer.objects.filter(batch=batch).count() == 5

    with in_schema(inst_b):
        items = selectors.incoming_of_batch(acting_user=sb.secretary, batch_id=str(batch.pk))
        assert len(items) == 5
        ids, problems = incoming_accept(
            incoming=[i.entry for i in items], target_branch=sb.tree.branch_x, acting_user=sb.secretary
        )
        assert len(ids) == 5 and not problems
    with in_schema("public"):
        assert moves.move_letters(letter_ids=ids) == {"moved": 5, "problems": 0}
    with in_schema(inst_b):
        assert Member.objects.filter(national_id_index__in=[s.national_id_index for s in students]).count() == 5
    with in_schema(inst_a):
        assert Member.objects.filter(pk__in=[s.pk for s in students], status="transferred_out").count() == 5
        assert Member.objects.get(pk=lost.pk).status == Member.Status.LOST_CONTACT


def test_a_batch_by_student_numbers_reports_the_numbers_it_did_not_find(inst_a: Institution) -> None:
    with in_schema(inst_a):
        sa = side("a")
        graduate(sa.tree.branch_x, number="S001")
        graduate(sa.tree.branch_y, number="S002")  # not managed by the secretary of X
        members, missing = batches.batch_candidates(acting_user=sa.secretary, numbers=["S001", "S002", "S404"])
        assert [m.number for m in members] == ["S001"]
        assert missing == ["S002", "S404"]


def test_a_batch_out_of_the_platform_writes_a_pdf_per_person(inst_a: Institution) -> None:
    with in_schema(inst_a):
        sa = side("a")
        people = [graduate(sa.tree.branch_x) for _ in range(3)]
        batch = batches.batch_create(
            members=people,
            destination="external",
            reason="毕业",
            acting_user=sa.secretary,
            to_organization="中共某市人才中心委员会",
        )
        batches.batch_run(batch=batch)
        transfers = list(Transfer.objects.filter(batch=batch))
        assert len(transfers) == 3 and all(get_storage().exists(t.pdf_key) for t in transfers)
        assert Member.objects.filter(pk__in=[p.pk for p in people], status="transferred_out").count() == 3
        for t in transfers:
            get_storage().delete(t.pdf_key)


def test_a_batch_needs_people_a_reason_and_a_destination(inst_a: Institution, inst_b: Institution) -> None:
    with in_schema(inst_a):
        sa = side("a")
        with pytest.raises(ValidationError):
            batches.batch_create(
                members=[], destination="platform", reason="x", acting_user=sa.secretary, to_institution=inst_b
            )
        member = graduate(sa.tree.branch_x)
        with pytest.raises(ValidationError):
            batches.batch_create(members=[member], destination="platform", reason="x", acting_user=sa.secretary)
        with pytest.raises(ValidationError):
            batches.batch_create(members=[member], destination="external", reason="x", acting_user=sa.secretary)
        with pytest.raises(ValidationError):
            batches.batch_create(
                members=[graduate(sa.tree.branch_y)],
                destination="external",
                reason="x",
                acting_user=sa.secretary,
                to_organization="y",
            )
    assert not ExchangeLetter.objects.filter(from_institution=inst_a).exists()
    with in_schema(inst_b):
        assert not IncomingLetter.objects.exists()


def test_a_stalled_batch_is_queued_again_by_the_sweep_and_given_up_after_its_bound(inst_a: Institution) -> None:
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    from services.transfers import tasks
    from tenants.deliveries import delivery_begin

    with in_schema(inst_a):
        sa = side("s")
        students = [graduate(sa.tree.branch_x, number=f"T{i:03d}") for i in range(3)]
        with mock.patch("tenants.queueing.publish"):
            stalled = batches.batch_create(
                members=students[:2],
                destination="external",
                reason="毕业",
                acting_user=sa.secretary,
                to_organization="某单位",
            )
            running = batches.batch_create(
                members=students[2:],
                destination="external",
                reason="毕业",
                acting_user=sa.secretary,
                to_organization="某单位",
            )
            fresh = batches.batch_create(
                members=students[:1],
                destination="external",
                reason="毕业",
                acting_user=sa.secretary,
                to_organization="某单位",
            )
        old = timezone.now() - timedelta(minutes=15)
        BatchTransfer.objects.filter(pk__in=[stalled.pk, running.pk]).update(created_at=old)
        # A worker is on this one now: its delivery is counted and not finished.
        delivery_begin(
            task_name=tasks.run_batch.name,
            args=(inst_a.schema_name, str(running.pk)),
            kwargs={},
            schema_name=inst_a.schema_name,
            max_deliveries=3,
            redelivered=False,
        )
        with mock.patch("tenants.queueing.publish") as publish:
            assert tasks.resume_stalled_batches() == 1
        publish.assert_called_once_with(tasks.run_batch, (inst_a.schema_name, str(stalled.pk)))
        assert BatchTransfer.objects.get(pk=fresh.pk).status == "queued"  # its own message is on the way

    # Given up (its runs kept dying): the people still pending say why, the batch ends...
    tasks.run_batch.abandon(inst_a.schema_name, str(stalled.pk))
    with in_schema(inst_a):
        stalled.refresh_from_db()
        assert (stalled.status, stalled.error_count, stalled.processed) == ("done", 2, 2)
        assert set(BatchItem.objects.filter(batch=stalled).values_list("message", flat=True)) == {
            "处理进程多次中断，已停止，请重新发起"
        }
    # ... and an operator's retry puts them back.
    tasks.run_batch.revive(inst_a.schema_name, str(stalled.pk))
    with in_schema(inst_a):
        stalled.refresh_from_db()
        assert (stalled.status, stalled.error_count, stalled.processed) == ("running", 0, 0)
        assert not BatchItem.objects.filter(batch=stalled).exclude(result=BatchItem.Result.PENDING).exists()
