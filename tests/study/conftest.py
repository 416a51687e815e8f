"""Fixtures of the study tests: a branch of institution A with a secretary and members who have
accounts, the institution's administrator, a course with two materials, and this year's plan for
all members with the first one."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import AdminGrant, OrgUnit, Position
from services.storage.backends import get_storage
from services.study.models import Material, Plan, Progress
from services.study.services import course_create, material_add, plan_save
from tenants.models import Institution
from tests.conftest import in_schema, make_user
from tests.factories import MemberFactory, OrgUnitFactory

TEXT = "学习党章，遵守党章，贯彻党章，维护党章。\n".encode() * 50


@dataclass
class World:
    unit: OrgUnit
    admin: User
    secretary: User
    member: User
    members: list[Member]  # members[0] is the secretary's, members[1] the member's
    material: Material  # in this year's plan for all members
    other: Material  # in no plan
    plan: Plan


def age(progress_user: User, material: Material, seconds: int) -> None:
    """Move the last heartbeat ``seconds`` before the database's now (tests run in one transaction,
    where now() does not move)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE study_progress SET last_beat_at = now() - make_interval(secs => %s)"
            " WHERE user_id = %s AND material_id = %s",
            [seconds, progress_user.pk, material.pk],
        )


def credited(user: User, material: Material) -> int:
    return Progress.objects.get(user=user, material=material, year=timezone.localdate().year).credited_seconds


def make_world(institution: Institution) -> World:
    root = OrgUnitFactory(name="校党委", kind=OrgUnit.Kind.COMMITTEE)
    unit = OrgUnitFactory(name="学习党支部", parent=root)
    admin = make_user(institution, username="st_admin")
    AdminGrant.objects.create(user=admin, unit=root, role=AdminGrant.Role.INSTITUTION_ADMIN)
    secretary = make_user(institution, username="st_secretary")
    member = make_user(institution, username="st_member")
    members = [MemberFactory(branch=unit, name=f"学员{i:02d}") for i in range(4)]
    for person, user in ((members[0], secretary), (members[1], member)):
        person.user = user
        person.save(update_fields=["user"])
    Position.objects.create(member=members[0], unit=unit, kind=Position.Kind.SECRETARY, started_on=date(2024, 1, 1))
    course = course_create(acting_user=admin, title="党章学习")
    material = material_add(
        acting_user=admin, course=course, title="党章原文", kind="document", length_minutes=2,
        upload=io.BytesIO(TEXT), filename="党章.txt",
    )  # fmt: skip
    other = material_add(
        acting_user=admin, course=course, title="选学资料", kind="document", length_minutes=30,
        upload=io.BytesIO(TEXT), filename="选学.txt",
    )  # fmt: skip
    plan = plan_save(
        acting_user=admin, year=timezone.localdate().year, group=Plan.Group.MEMBERS, title="年度计划",
        materials=[material],
    )  # fmt: skip
    return World(unit, admin, secretary, member, members, material, other, plan)


@pytest.fixture
def world(inst_a: Institution) -> Iterator[World]:
    with in_schema(inst_a):
        made = make_world(inst_a)
        yield made
        get_storage().delete_prefix(f"{inst_a.schema_name}/study/")
