"""Moving or merging org units changes who may see an entry: the entries under the subtree are
queued again in the same transaction, so visibility never stays on the old paths."""

from __future__ import annotations

from services.organization.models import OrgUnit, Position
from services.organization.services import org_unit_merge, org_unit_move
from services.search.indexing import outbox_drain
from services.search.models import SearchOutbox
from tests.conftest import in_schema, make_user
from tests.factories import MemberFactory
from tests.search.helpers import branch, find, ids, person


def test_after_a_move_the_new_parents_secretary_finds_the_moved_members(backend, inst_a) -> None:
    with in_schema(inst_a):
        admin = make_user(inst_a, username="move_admin", is_superuser=True)
        old_college = branch("旧学院党委", None)
        new_college = branch("新学院党委", None)
        OrgUnit.objects.filter(pk__in=[old_college.pk, new_college.pk]).update(kind=OrgUnit.Kind.SECOND_LEVEL)
        moving = branch("迁移支部", old_college)
        mover = MemberFactory(name="司马迁移", branch=moving)
        secretary = person(name="新院书记", branch=branch("新院机关支部", new_college))
        Position.objects.create(
            member=secretary.member, unit=new_college, kind=Position.Kind.SECRETARY, started_on="2024-01-01"
        )
        outbox_drain()
        assert mover.pk not in ids(find(secretary, "司马迁移"))

        fresh = OrgUnit.objects.in_bulk([moving.pk, new_college.pk])
        org_unit_move(unit=fresh[moving.pk], new_parent=fresh[new_college.pk], acting_user=admin)
        assert SearchOutbox.objects.filter(kind="member", object_id=mover.pk).exists()  # same transaction
        outbox_drain()
        backend.refresh(schema=inst_a.schema_name)
        assert mover.pk in ids(find(secretary, "司马迁移"))


def test_a_merge_queues_the_members_it_moves(inst_a) -> None:
    with in_schema(inst_a):
        admin = make_user(inst_a, username="merge_admin", is_superuser=True)
        source, target = branch("并出支部"), branch("并入支部")
        member = MemberFactory(name="欧阳合并", branch=source)
        SearchOutbox.objects.all().delete()
        org_unit_merge(source=source, target=target, acting_user=admin)
        assert SearchOutbox.objects.filter(kind="member", object_id=member.pk).exists()
