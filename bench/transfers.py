"""A batch transfer of 500 graduates from institution A to institution B, end to end: the batch
issues 500 numbered letters (and B's inbox entries), B accepts them all into one branch, and the
records move (fields, encrypted ID and phone, family and reward rows, history and audit on both
sides), each worker step called synchronously as the worker runs it."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from unittest import mock

from django_tenants.utils import schema_context

from bench.common import Figure, cleanup
from console.demo import GIVEN, SURNAMES
from console.services import institution_create
from services.accounts.models import User
from services.crypto import blind_index
from services.members.fake_ids import fake_national_id
from services.members.models import FamilyMember, Member, RewardPunishment
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from services.transfers import batches, selectors, tasks
from services.transfers.models import BatchTransfer
from services.transfers.services import incoming_accept

FIGURES = ("batch_transfer_500_s",)
PEOPLE = 500


def _graduates(branch: OrgUnit) -> None:
    rng = random.Random(500)
    today = date.today()
    seen: set[str] = set()
    members: list[Member] = []
    while len(members) < PEOPLE:
        born = today - timedelta(days=22 * 365 + rng.randint(0, 700))
        number = fake_national_id(rng, born, rng.random() < 0.5)
        if number in seen:
            continue
        seen.add(number)
        members.append(
            Member(
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                gender="male" if int(number[16]) % 2 else "female",
                birth_date=born,
                national_id=number,
                national_id_index=blind_index(number),
                phone=f"139{rng.randrange(10**8):08d}",
                category=Member.Category.STUDENT,
                number=f"S{len(members):07d}",
                status=Member.Status.NORMAL,
                branch=branch,
                joined_on=today - timedelta(days=500),
                confirmed_on=today - timedelta(days=135),
            )
        )
    Member.objects.bulk_create(members)
    FamilyMember.objects.bulk_create([FamilyMember(member=m, relation="母亲", name="家属") for m in members])
    RewardPunishment.objects.bulk_create(
        [RewardPunishment(member=m, kind="reward", title="优秀毕业生", issued_on=today) for m in members]
    )


def run() -> list[Figure]:
    with cleanup("btr"):
        a, _ = institution_create(code="btra", name="基准转出大学", admin_password="Bench-pass-2026!")
        b, _ = institution_create(code="btrb", name="基准接收学院", admin_password="Bench-pass-2026!")
        with schema_context(a.schema_name):
            committee = org_unit_create(name="转出大学党委", kind=OrgUnit.Kind.COMMITTEE)
            branch_a = org_unit_create(name="毕业生党支部", kind=OrgUnit.Kind.BRANCH, parent=committee)
            _graduates(branch_a)
            admin_a = User.objects.get(username="admin")
        with schema_context(b.schema_name):
            committee_b = org_unit_create(name="接收学院党委", kind=OrgUnit.Kind.COMMITTEE)
            branch_b = org_unit_create(name="新入职党员支部", kind=OrgUnit.Kind.BRANCH, parent=committee_b)
            admin_b = User.objects.get(username="admin")
        queued: list[list[str]] = []

        def publish(task: object, args: tuple[object, ...] = (), kwargs: object = None) -> bool:
            if task is tasks.move_letters:
                queued.append(args[0])  # type: ignore[arg-type]
            return True

        with mock.patch("tenants.queueing.publish", side_effect=publish):
            started = time.perf_counter()
            with schema_context(a.schema_name):
                members, _missing = batches.batch_candidates(
                    acting_user=admin_a, branch=branch_a, category=Member.Category.STUDENT
                )
                batch = batches.batch_create(
                    members=list(members), destination="platform", reason="毕业", acting_user=admin_a, to_institution=b
                )
            tasks.run_batch.run(a.schema_name, str(batch.pk))
            with schema_context(b.schema_name):
                items = selectors.incoming_of_batch(acting_user=admin_b, batch_id=str(batch.pk))
                incoming_accept(incoming=[i.entry for i in items], target_branch=branch_b, acting_user=admin_b)
            for ids in queued:
                tasks.move_letters.run(ids)
            elapsed = time.perf_counter() - started
        with schema_context(b.schema_name):
            arrived = Member.objects.filter(branch=branch_b).count()
        with schema_context(a.schema_name):
            batch = BatchTransfer.objects.get(pk=batch.pk)
            left = Member.objects.filter(status=Member.Status.TRANSFERRED_OUT).count()
        if (arrived, left, batch.ok_count) != (PEOPLE, PEOPLE, PEOPLE):
            raise RuntimeError(
                f"the bench transfer did not complete: {arrived} arrived, {left} left, {batch.ok_count} ok"
            )
    return [("batch_transfer_500_s", elapsed, "s")]
