"""The development services: a whole walk from application to full member, the member record the
votes create, one-step-one-review, contact persons and sponsors, documents through the storage
interface, permissions and the audit trail."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from services.audit.models import AuditEvent
from services.development import contacts, services
from services.development.models import Dossier, DossierContact, DossierDocument, DossierStep
from services.members.models import Member, MemberChange
from services.organization.models import Position
from services.storage.backends import get_storage
from tenants.models import Institution
from tests.conftest import in_schema
from tests.development.helpers import (
    ADMISSION,
    TALK,
    World,
    admit,
    apply,
    approve_all,
    build_world,
    person,
    prepare_admission,
    prepare_confirmation,
    record,
    walk_to_activist,
    walk_to_target,
)
from tests.factories import MemberFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(inst_a: Institution) -> World:
    with in_schema(inst_a):
        return build_world()


def test_an_applicant_becomes_a_full_member_with_a_member_record(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = prepare_confirmation(world, apply(world, name="赵全程"))
        member = Member.objects.get(pk=dossier.member_id)
        assert member.status == Member.Status.PROBATIONARY and member.joined_on == ADMISSION
        assert member.name == "赵全程" and member.branch == world.tree.branch_x
        assert MemberChange.objects.filter(member=member, kind="status", reason__contains="预备党员").exists()
        full = services.dossier_vote_outcome(
            dossier=dossier,
            kind="confirmation",
            passed=True,
            meeting_on=date(2025, 10, 20),
            vote_id=202,
            acting_user=world.secretary,
        )
        member.refresh_from_db()
        assert full.stage == "full" and full.confirmed_on == date(2025, 10, 15)
        assert member.status == Member.Status.NORMAL and member.confirmed_on == date(2025, 10, 15)
        codes = list(DossierStep.objects.filter(dossier=full).values_list("code", flat=True))
        assert "admission_meeting" in codes and "confirmation_meeting" in codes
        events = set(
            AuditEvent.objects.filter(object_id=str(full.pk), object_type="development.dossier").values_list(
                "event", flat=True
            )
        )
        assert {"development.dossier_created", "development.stage_advanced", "development.vote_outcome"} <= events


def test_a_vote_outcome_applied_twice_changes_nothing_the_second_time(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = admit(world, apply(world), vote_id=555)
        again = services.dossier_vote_outcome(
            dossier=dossier,
            kind="admission",
            passed=True,
            meeting_on=ADMISSION,
            vote_id=555,
            acting_user=world.secretary,
        )
        assert again.member_id == dossier.member_id
        assert Member.objects.filter(name=dossier.name).count() == 1


def test_admission_is_refused_while_sponsors_are_missing(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = prepare_admission(world, apply(world))
        for contact in DossierContact.objects.filter(dossier=dossier, role="sponsor")[:1]:
            contacts.dossier_contact_end(contact=contact, ended_on=date(2024, 9, 1), acting_user=world.secretary)
        with pytest.raises(ValidationError) as excinfo:
            services.dossier_vote_outcome(
                dossier=dossier,
                kind="admission",
                passed=True,
                meeting_on=ADMISSION,
                vote_id=1,
                acting_user=world.secretary,
            )
        assert "入党介绍人" in str(excinfo.value) and "第十四条" in str(excinfo.value)
        assert Dossier.objects.get(pk=dossier.pk).stage == "target"
        assert not Member.objects.filter(name=dossier.name).exists()


def test_a_failed_admission_vote_keeps_the_target_and_records_the_meeting(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = prepare_admission(world, apply(world))
        after = services.dossier_vote_outcome(
            dossier=dossier,
            kind="admission",
            passed=False,
            meeting_on=ADMISSION,
            vote_id=7,
            acting_user=world.secretary,
        )
        assert after.stage == "target" and after.member_id is None
        assert DossierStep.objects.filter(dossier=dossier, code="admission_meeting", note__contains="未通过").exists()


def test_a_failed_confirmation_then_cancellation_stops_the_member(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = prepare_confirmation(world, apply(world))
        services.dossier_vote_outcome(
            dossier=dossier,
            kind="confirmation",
            passed=False,
            meeting_on=date(2025, 10, 20),
            vote_id=8,
            acting_user=world.secretary,
        )
        assert Dossier.objects.get(pk=dossier.pk).stage == "probationary"
        ended = services.dossier_end(
            dossier=dossier, reason="不具备党员条件", on_date=date(2025, 10, 21), acting_user=world.secretary
        )
        assert ended.stage == "ended" and ended.ended_reason == "不具备党员条件"
        assert Member.objects.get(pk=dossier.member_id).status == Member.Status.STOPPED


def test_steps_wait_for_review_and_a_rejected_step_does_not_count(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = apply(world)
        talk = record(world, dossier, "talk", TALK)
        with pytest.raises(ValidationError, match="待审核"):
            services.dossier_advance(
                dossier=dossier, to_stage="activist", on_date=date(2022, 3, 1), acting_user=world.secretary
            )
        with pytest.raises(ValidationError, match="审核意见"):
            services.dossier_step_review(step=talk, approve=False, acting_user=world.secretary)
        services.dossier_step_review(step=talk, approve=False, note="记录不完整", acting_user=world.secretary)
        approve_all(dossier, world.secretary)
        with pytest.raises(ValidationError, match="尚未记录谈话"):
            services.dossier_advance(
                dossier=dossier, to_stage="activist", on_date=date(2022, 3, 1), acting_user=world.secretary
            )


def test_a_step_of_a_later_stage_cannot_be_recorded_yet(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = apply(world)
        with pytest.raises(ValidationError, match="不能记录"):
            record(world, dossier, "volunteer_form", date(2022, 2, 1))
        with pytest.raises(ValidationError, match="早于申请入党日期"):
            record(world, dossier, "talk", date(2021, 12, 31))


def test_documents_are_stored_through_the_storage_interface(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = apply(world)
        step = record(
            world,
            dossier,
            "talk",
            TALK,
            uploads=[services.Upload(kind="谈话记录", filename="谈话记录.pdf", stream=io.BytesIO(PDF))],
        )
        document = DossierDocument.objects.get(step=step)
        assert document.storage_key.startswith(f"{connection.schema_name}/development/{dossier.pk}/")
        with get_storage().open(document.storage_key) as stored:
            assert stored.read() == PDF
        assert document.kind == "谈话记录" and document.content_type == "application/pdf"
        with pytest.raises(ValidationError, match="可执行文件"):
            record(
                world,
                dossier,
                "talk",
                TALK,
                uploads=[services.Upload(kind="x", filename="a.exe", stream=io.BytesIO(b"MZ"))],
            )
        get_storage().delete_prefix(f"{connection.schema_name}/development/{dossier.pk}/")


def test_contact_persons_are_one_or_two_full_members(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = walk_to_activist(world, apply(world))
        probationary = MemberFactory(branch=world.tree.branch_x, status=Member.Status.PROBATIONARY)
        with pytest.raises(ValidationError, match="不是正式党员"):
            contacts.dossier_contact_assign(
                dossier=dossier,
                member=probationary,
                role="contact",
                assigned_on=date(2022, 3, 2),
                acting_user=world.secretary,
            )
        for member in world.full_members[:2]:
            contacts.dossier_contact_assign(
                dossier=dossier,
                member=member,
                role="contact",
                assigned_on=date(2022, 3, 2),
                acting_user=world.secretary,
            )
        with pytest.raises(ValidationError, match="最多 2 名"):
            contacts.dossier_contact_assign(
                dossier=dossier,
                member=world.full_members[2],
                role="contact",
                assigned_on=date(2022, 3, 2),
                acting_user=world.secretary,
            )
        with pytest.raises(ValidationError, match="不能确定入党介绍人"):
            contacts.dossier_contact_assign(
                dossier=dossier,
                member=world.full_members[2],
                role="sponsor",
                assigned_on=date(2022, 3, 2),
                acting_user=world.secretary,
            )
        assert DossierStep.objects.filter(dossier=dossier, code="contact_persons").count() == 2


def test_a_secretary_of_another_branch_cannot_write(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = apply(world)
        other = person(world.tree.branch_z, "z_sec", Position.Kind.SECRETARY)
        with pytest.raises(PermissionDenied):
            services.dossier_step_record(dossier=dossier, acting_user=other, code="talk", occurred_on=TALK)
        with pytest.raises(PermissionDenied):
            services.dossier_create(
                acting_user=other,
                branch=world.tree.branch_x,
                name="钱",
                national_id="11010519491231002X",
                category="faculty",
                applied_on=date(2024, 1, 1),
            )


def test_a_person_with_an_open_dossier_cannot_apply_twice(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = apply(world)
        with pytest.raises(ValidationError, match="进行中的发展档案"):
            services.dossier_create(
                acting_user=world.secretary,
                branch=world.tree.branch_x,
                name=dossier.name,
                national_id=dossier.national_id,
                category="student",
                applied_on=date(2024, 1, 1),
            )


def test_a_second_record_is_named_only_to_those_who_can_see_it(world: World, inst_a: Institution) -> None:
    """Another branch's secretary learns neither that the person has a dossier or a member record
    nor where: one refusal whatever lies behind it (a 404 elsewhere)."""
    with in_schema(inst_a):
        dossier = apply(world)
        member = MemberFactory(branch=world.tree.branch_x)
        outsider = person(world.tree.branch_z, "z_sec2", Position.Kind.SECRETARY)

        def refusal(acting_user: object, number: str) -> list[str]:
            with pytest.raises(ValidationError) as caught:
                services.dossier_create(
                    acting_user=acting_user,
                    branch=world.tree.branch_z if acting_user is outsider else world.tree.branch_x,
                    name="钱",
                    national_id=number,
                    category="student",
                    applied_on=date(2024, 1, 1),
                )
            return caught.value.message_dict["national_id"]

        unit = world.tree.branch_x.name
        assert refusal(world.secretary, dossier.national_id) == [f"此人已有进行中的发展档案（{unit}）。"]
        assert refusal(world.secretary, member.national_id) == [f"此人已有党员档案（{unit}），无需发展。"]
        neutral = ["该身份证号无法登记发展档案，请联系学校党委组织部。"]
        assert refusal(outsider, dossier.national_id) == neutral
        assert refusal(outsider, member.national_id) == neutral
        assert Dossier.objects.filter(branch=world.tree.branch_z).count() == 0


def test_the_stage_moves_to_probationary_and_full_only_by_vote(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        dossier = walk_to_target(world, apply(world))
        with pytest.raises(ValidationError, match="支部党员大会表决"):
            services.dossier_advance(
                dossier=dossier, to_stage="probationary", on_date=date(2024, 1, 1), acting_user=world.secretary
            )


def test_vote_guards_tell_the_votes_pages_what_a_passed_vote_needs(world: World, inst_a: Institution) -> None:
    from services.development.selectors import vote_guards

    with in_schema(inst_a):
        dossier = walk_to_target(world, apply(world))
        guards = vote_guards(dossier=dossier, kind="admission", meeting_on=ADMISSION, today=date.today())
        assert {guard.code for guard in guards if not guard.passed} >= {"sponsors", "publicity", "training"}
        ready = prepare_admission(world, apply(world, name="孙就绪", born=date(1999, 2, 2)))
        assert all(
            guard.passed
            for guard in vote_guards(dossier=ready, kind="admission", meeting_on=ADMISSION, today=date.today())
        )
        assert vote_guards(dossier=ready, kind="confirmation", meeting_on=ADMISSION, today=date.today()) == []


def test_a_local_step_is_recorded_like_a_standard_one(world: World, inst_a: Institution) -> None:
    from services.development.models import LocalStep
    from services.development.selectors import procedure_rows, recordable_rows
    from services.procedures.models import TemplateStep
    from tests.conftest import make_user

    admin = make_user(inst_a, username="dev_local_admin", is_superuser=True)
    with in_schema(inst_a):
        after_talk = TemplateStep.objects.get(code="talk")
        with pytest.raises(PermissionDenied):
            services.local_step_save(acting_user=world.secretary, after_step=after_talk, title="x", documents=[])
        local = services.local_step_save(
            acting_user=admin, after_step=after_talk, title="团组织推优", documents=["推优表"]
        )
        dossier = apply(world)
        rows = recordable_rows(dossier, procedure_rows())
        assert [row.number for row in rows if row.local_step == local] == ["2.1"]
        step = services.dossier_step_record(
            dossier=dossier, acting_user=world.secretary, local_step=local, occurred_on=TALK, note="团支部推荐"
        )
        assert step.code == "local" and step.title == "团组织推优" and step.local_step == local
        services.local_step_save(
            acting_user=admin, local_step=local, after_step=after_talk, title=local.title, documents=[], active=False
        )
        assert not [row for row in procedure_rows() if row.local_step == local]
        assert LocalStep.objects.get(pk=local.pk).active is False
