"""A member who moves between institutions takes the development dossier along: a probationary
member can be confirmed by the receiving branch, with the same guard states as in the sender."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import date

import pytest
from django.utils import timezone

from services.development import guards as g
from services.development import services as dev
from services.development.models import Dossier, DossierContact, DossierDocument, DossierStep, Stage
from services.members.models import Member, MemberChange
from services.storage.backends import get_storage
from services.transfer_exchange.models import ExchangeLetter
from services.transfers import moves
from services.transfers.models import IncomingLetter, Transfer, TransferArrival
from services.transfers.services import incoming_accept, transfer_letter_send
from tenants.models import Institution
from tests.conftest import in_schema
from tests.development.helpers import (
    APPROVAL,
    CONFIRMATION,
    World,
    admit,
    apply,
    approve_all,
    build_world,
    record,
)
from tests.transfers.helpers import Side, graduate, side

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _clean_storage(inst_a: Institution, inst_b: Institution) -> Iterator[None]:
    """The database rolls back after each test; the stored objects have to be removed."""
    yield
    for schema in (inst_a.schema_name, inst_b.schema_name):
        get_storage().delete_prefix(f"{schema}/development/")


def _probationary(world: World) -> Dossier:
    """Admitted (vote #101), the approval recorded with a document and not yet reviewed, no
    confirmation application yet: the confirmation guards are passed / waiting, mixed."""
    dossier = admit(world, apply(world, name="李转入"))
    record(
        world,
        dossier,
        "approval",
        APPROVAL,
        uploads=[dev.Upload(kind="审批材料", filename="审批.pdf", stream=io.BytesIO(PDF))],
    )
    return dossier


def _move(a: Institution, b: Institution, member: Member, secretary: object, sb: Side) -> Transfer:
    with in_schema(a):
        transfer = transfer_letter_send(member=member, to_institution=b, reason="毕业就业", acting_user=secretary)
    with in_schema(b):
        entry = IncomingLetter.objects.get(letter_id=transfer.letter_id)
        ids, problems = incoming_accept(incoming=[entry], target_branch=sb.tree.branch_x, acting_user=sb.secretary)
    assert ids == [str(transfer.letter_id)] and not problems
    with in_schema("public"):
        assert moves.move_letters(letter_ids=[str(transfer.letter_id)]) == {"moved": 1, "problems": 0}
    return transfer


def _confirmation_guards(dossier: Dossier) -> list[g.Guard]:
    loaded = Dossier.objects.prefetch_related("steps", "contacts").get(pk=dossier.pk)
    today = timezone.localdate()
    return g.guards_for(loaded, to_stage=Stage.FULL, on=today, today=today)


def _step_facts(dossier: Dossier) -> list[tuple[object, ...]]:
    return [
        (s.code, s.title, s.template_step_id, s.occurred_on, s.ends_on, s.hours, s.days, s.review, s.recorded_at)
        for s in DossierStep.objects.filter(dossier=dossier).order_by("occurred_on", "pk")
    ]


def test_a_probationary_members_dossier_arrives_and_b_can_confirm_with_the_same_guards(
    inst_a: Institution, inst_b: Institution
) -> None:
    with in_schema(inst_b):
        sb = side("b")
    with in_schema(inst_a):
        world = build_world()
        dossier = _probationary(world)
        member = Member.objects.get(pk=dossier.member_id)
        assert member.status == Member.Status.PROBATIONARY
        guards_a = _confirmation_guards(dossier)
        steps_a = _step_facts(dossier)
        sponsors = [c.member.name for c in DossierContact.objects.filter(dossier=dossier, role="sponsor")]
    assert {x.code: x.state for x in guards_a} == {
        "approval": g.PASSED,
        "probation": g.PASSED,
        "confirmation_application": g.WAITING,
        "review": g.WAITING,
    }

    _move(inst_a, inst_b, member, world.secretary, sb)

    with in_schema(inst_b):
        arrived = Member.objects.get(national_id_index=member.national_id_index)
        copy = Dossier.objects.get(member=arrived)
        assert copy.branch == sb.tree.branch_x and copy.user is None and copy.stage == Stage.PROBATIONARY
        assert (copy.admitted_on, copy.probation_ends_on, copy.applied_on) == (
            dossier.admitted_on,
            dossier.probation_ends_on,
            dossier.applied_on,
        )
        assert copy.template_id == dossier.template_id and copy.national_id == dossier.national_id
        assert copy.admission_vote_id is None  # the sender's vote ids mean nothing here
        assert _step_facts(copy) == steps_a
        assert not DossierStep.objects.filter(dossier=copy, local_step__isnull=False).exists()
        assert not DossierStep.objects.filter(dossier=copy, recorded_by__isnull=False).exists()
        assert _confirmation_guards(copy) == guards_a
        # Contact persons and sponsors are the sender's members: no rows, but their names stay.
        assert not DossierContact.objects.filter(dossier=copy).exists()
        sponsor_step = DossierStep.objects.get(dossier=copy, code="sponsors", note__contains=sponsors[0])
        assert "参与人：" in sponsor_step.note
        history = MemberChange.objects.filter(member=arrived, reason__contains="入党介绍人").get()
        assert all(name in history.reason for name in sponsors)
        # The document is a copy under B's prefix, readable from there.
        document = DossierDocument.objects.get(step__dossier=copy)
        assert document.storage_key.startswith(f"{inst_b.schema_name}/development/{copy.pk}/")
        with get_storage().open(document.storage_key) as stored:
            assert stored.read() == PDF
        assert document.filename == "审批.pdf" and document.kind == "审批材料"

        # B's secretary records the confirmation steps and the branch meeting confirms; the vote
        # has the id of the sender's admission vote (another institution's sequence).
        record(World(sb.tree, sb.secretary, []), copy, "confirmation_application", date(2025, 9, 20))
        approve_all(copy, sb.secretary)
        assert all(x.passed for x in _confirmation_guards(copy))
        dev.dossier_vote_outcome(
            dossier=copy,
            kind="confirmation",
            passed=True,
            meeting_on=CONFIRMATION,
            vote_id=101,
            acting_user=sb.secretary,
        )
        copy.refresh_from_db()
        arrived.refresh_from_db()
        assert copy.stage == Stage.FULL and copy.confirmed_on == dossier.probation_ends_on
        assert arrived.status == Member.Status.NORMAL
    with in_schema(inst_a):  # the sender's dossier stays as it was
        kept = Dossier.objects.get(pk=dossier.pk)
        assert kept.stage == Stage.PROBATIONARY and kept.member_id == member.pk
        assert DossierContact.objects.filter(dossier=kept).count() == 3
        assert DossierDocument.objects.filter(step__dossier=kept).get().storage_key.startswith(f"{inst_a.schema_name}/")


def test_running_the_move_twice_creates_one_dossier_and_one_copy_of_each_file(
    inst_a: Institution, inst_b: Institution
) -> None:
    with in_schema(inst_b):
        sb = side("b")
    with in_schema(inst_a):
        world = build_world()
        dossier = _probationary(world)
        member = Member.objects.get(pk=dossier.member_id)
    transfer = _move(inst_a, inst_b, member, world.secretary, sb)
    with in_schema("public"):
        ExchangeLetter.objects.filter(pk=transfer.letter_id).update(status=ExchangeLetter.Status.ACCEPTED)
        assert moves.move_letters(letter_ids=[str(transfer.letter_id)]) == {"moved": 1, "problems": 0}
    with in_schema(inst_b):
        assert Dossier.objects.filter(national_id_index=dossier.national_id_index).count() == 1
        assert DossierDocument.objects.count() == 1
    assert len(list(get_storage().list(f"{inst_b.schema_name}/development/"))) == 1


def test_members_without_a_dossier_move_alongside_one_with_a_dossier(inst_a: Institution, inst_b: Institution) -> None:
    with in_schema(inst_b):
        sb = side("b")
    with in_schema(inst_a):
        world = build_world()
        dossier = _probationary(world)
        plain = graduate(world.tree.branch_x)
        transfers = [
            transfer_letter_send(member=m, to_institution=inst_b, reason="毕业", acting_user=world.secretary)
            for m in (Member.objects.get(pk=dossier.member_id), plain)
        ]
    with in_schema(inst_b):
        entries = list(IncomingLetter.objects.filter(letter_id__in=[t.letter_id for t in transfers]))
        ids, _problems = incoming_accept(incoming=entries, target_branch=sb.tree.branch_x, acting_user=sb.secretary)
    with in_schema("public"):
        assert moves.move_letters(letter_ids=ids) == {"moved": 2, "problems": 0}
    with in_schema(inst_b):
        moved_plain = Member.objects.get(national_id_index=plain.national_id_index)
        assert not Dossier.objects.filter(member=moved_plain).exists()
        assert Dossier.objects.get().member == TransferArrival.objects.get(letter_id=transfers[0].letter_id).member


def test_a_failure_while_copying_the_files_moves_nothing_and_leaves_no_copied_object(
    inst_a: Institution, inst_b: Institution, monkeypatch: pytest.MonkeyPatch
) -> None:
    with in_schema(inst_b):
        sb = side("b")
    with in_schema(inst_a):
        world = build_world()
        dossier = _probationary(world)
        member = Member.objects.get(pk=dossier.member_id)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr(DossierDocument.objects, "bulk_create", broken)
    with pytest.raises(AssertionError):  # the move reports a problem instead of {"moved": 1}
        _move(inst_a, inst_b, member, world.secretary, sb)
    with in_schema(inst_b):
        assert not Member.objects.filter(national_id_index=member.national_id_index).exists()
        assert not Dossier.objects.exists()
    assert list(get_storage().list(f"{inst_b.schema_name}/development/")) == []
    assert ExchangeLetter.objects.get(person_name=member.name).status == ExchangeLetter.Status.ACCEPTED


def test_an_object_left_by_a_copy_that_never_committed_is_found_by_the_storage_sweep(
    inst_a: Institution, inst_b: Institution
) -> None:
    from services.storage.sweeper import find_orphans

    with in_schema(inst_b):
        sb = side("b")
    with in_schema(inst_a):
        world = build_world()
        dossier = _probationary(world)
        member = Member.objects.get(pk=dossier.member_id)
    _move(inst_a, inst_b, member, world.secretary, sb)
    with in_schema(inst_b):
        copied = DossierDocument.objects.get().storage_key
    # What a worker killed after copying the file and before the commit leaves behind.
    left = f"{inst_b.schema_name}/development/999999/1/{int(time.time()) - 7200}-0123456789ab.pdf"
    young = f"{inst_b.schema_name}/development/999999/1/{int(time.time())}-0123456789ab.pdf"
    for key in (left, young):
        get_storage().save(key, io.BytesIO(PDF))
    found = {orphan.key for orphan in find_orphans(schemas=[inst_b.schema_name])}
    assert left in found
    assert copied not in found and young not in found
