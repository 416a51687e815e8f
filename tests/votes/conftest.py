"""Fixtures of the vote tests: a branch of institution A with full and probationary members, a
secretary who manages it, and development dossiers in the stages that are voted on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from services.accounts.models import User
from services.crypto import blind_index
from services.members import national_id as national_id_rules
from services.members.models import Member
from services.organization.models import OrgUnit, Position
from tenants.models import Institution
from tests.conftest import in_schema, make_user
from tests.factories import MemberFactory, OrgUnitFactory, _national_id

MEETING = date(2025, 6, 10)


@dataclass
class Branch:
    unit: OrgUnit
    secretary: User
    full: list[Member]
    probationary: list[Member]


def add_members(unit: OrgUnit, n: int, status: str = Member.Status.NORMAL, prefix: str = "党员") -> list[Member]:
    return [MemberFactory(branch=unit, status=status, name=f"{prefix}{i:02d}") for i in range(n)]


def make_dossier(unit: OrgUnit, *, name: str, stage: str = "target", **fields: Any) -> Any:
    from services.development.models import Dossier

    national_id = _national_id()
    return Dossier.objects.create(
        name=name,
        gender=national_id_rules.gender(national_id),
        birth_date=national_id_rules.birth_date(national_id),
        national_id=national_id,
        national_id_index=blind_index(national_id),
        category=Member.Category.STUDENT,
        branch=unit,
        stage=stage,
        applied_on=date(2023, 3, 1),
        activist_on=date(2023, 5, 1),
        target_on=date(2024, 9, 1),
        **fields,
    )


def make_branch(institution: Institution, *, full: int = 10, probationary: int = 1) -> Branch:
    with in_schema(institution):
        unit = OrgUnitFactory(name="第一党支部")
        secretary = make_user(institution, username="vote_secretary")
        members = add_members(unit, full)
        # The secretary is one of the full members (a position makes them a manager of the branch).
        members[0].user = secretary
        members[0].save(update_fields=["user"])
        Position.objects.create(member=members[0], unit=unit, kind=Position.Kind.SECRETARY, started_on=date(2024, 1, 1))
        return Branch(
            unit=unit,
            secretary=secretary,
            full=members,
            probationary=add_members(unit, probationary, Member.Status.PROBATIONARY, "预备"),
        )


@pytest.fixture
def branch(inst_a: Institution) -> Iterator[Branch]:
    made = make_branch(inst_a)
    with in_schema(inst_a):
        yield made


def ready_for_admission(unit: OrgUnit, sponsors: list[Member], *, name: str) -> Any:
    """A development target whose dossier meets every guard of admission on 2025-06-10: two
    sponsors, political review, 3 days of training, publicity of exactly 5 working days
    (Tue 2025-05-06 .. Mon 2025-05-12, the weekend not counted), pre-review, volunteer form, all reviewed."""
    from services.development.models import DossierContact, DossierStep

    dossier = make_dossier(unit, name=name)
    for member in sponsors[:2]:
        DossierContact.objects.create(
            dossier=dossier, member=member, role=DossierContact.Role.SPONSOR, assigned_on=date(2024, 9, 1)
        )
    for code, title, on, extra in (
        ("political_review", "政治审查", date(2024, 10, 8), {}),
        ("training", "集中培训", date(2024, 11, 1), {"days": 3}),
        ("committee_review", "支部委员会审查", date(2025, 5, 6), {"ends_on": date(2025, 5, 12)}),
        ("pre_review", "上级党委预审", date(2025, 5, 20), {}),
        ("volunteer_form", "填写入党志愿书", date(2025, 5, 25), {}),
    ):
        DossierStep.objects.create(
            dossier=dossier, code=code, title=title, occurred_on=on, review=DossierStep.Review.APPROVED, **extra
        )
    return dossier
