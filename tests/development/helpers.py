"""Building blocks for development tests: a tree with a secretary and full members, and dossiers
walked through the procedure with dates in the past (so that every guard can pass)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.accounts.models import User
from services.development import contacts, services
from services.development.models import Dossier, DossierContact, DossierStep
from services.members.fake_ids import fake_national_id
from services.members.models import Member
from services.organization.models import Position
from tests.factories import MemberFactory
from tests.members.helpers import Tree, build_tree, person

_rng = random.Random(7)

# A walk through the whole procedure on past dates that satisfy every default rule.
APPLIED = date(2022, 1, 10)
TALK = date(2022, 1, 20)
ACTIVIST = date(2022, 3, 1)
ASSESSED = date(2022, 9, 1)
TARGET = date(2023, 3, 1)
PUBLICITY = (date(2024, 9, 2), date(2024, 9, 6))  # Mon–Fri, an ordinary week: 5 working days
ADMISSION = date(2024, 10, 15)
APPROVAL = date(2024, 11, 20)
CONFIRMATION = date(2025, 10, 20)


@dataclass
class World:
    tree: Tree
    secretary: User
    full_members: list[Member]


def build_world() -> World:
    """A tree, the secretary of branch X and four full members of X. Call inside a schema."""
    tree = build_tree()
    secretary = person(tree.branch_x, "dev_sec", Position.Kind.SECRETARY)
    members = [MemberFactory(branch=tree.branch_x, status=Member.Status.NORMAL) for _ in range(4)]
    return World(tree=tree, secretary=secretary, full_members=members)


_issued: set[str] = set()


def national_id_born(born: date) -> str:
    """A valid ID number for someone born on ``born``, never issued before in this process (one
    birthday leaves only 5,500 numbers to draw from)."""
    while True:
        number = fake_national_id(_rng, born, male=_rng.random() < 0.5)
        if number not in _issued:
            _issued.add(number)
            return number


def apply(world: World, *, applied_on: date = APPLIED, born: date = date(2000, 6, 1), name: str = "王发展") -> Dossier:
    return services.dossier_create(
        acting_user=world.secretary,
        branch=world.tree.branch_x,
        name=name,
        national_id=national_id_born(born),
        category="student",
        applied_on=applied_on,
    )


def approve_all(dossier: Dossier, user: User) -> None:
    for step in DossierStep.objects.filter(dossier=dossier, review=DossierStep.Review.RECORDED):
        services.dossier_step_review(step=step, approve=True, acting_user=user)


def record(world: World, dossier: Dossier, code: str, on: date, **fields: object) -> DossierStep:
    return services.dossier_step_record(
        dossier=dossier, acting_user=world.secretary, code=code, occurred_on=on, **fields
    )


def walk_to_activist(world: World, dossier: Dossier) -> Dossier:
    record(world, dossier, "talk", TALK)
    approve_all(dossier, world.secretary)
    return services.dossier_advance(dossier=dossier, to_stage="activist", on_date=ACTIVIST, acting_user=world.secretary)


def walk_to_target(world: World, dossier: Dossier) -> Dossier:
    dossier = walk_to_activist(world, dossier)
    contacts.dossier_contact_assign(
        dossier=dossier,
        member=world.full_members[0],
        role=DossierContact.Role.CONTACT,
        assigned_on=ACTIVIST,
        acting_user=world.secretary,
    )
    record(world, dossier, "activist_training", ASSESSED)
    approve_all(dossier, world.secretary)
    return services.dossier_advance(dossier=dossier, to_stage="target", on_date=TARGET, acting_user=world.secretary)


def prepare_admission(world: World, dossier: Dossier) -> Dossier:
    """Everything a development target needs before the admission vote."""
    dossier = walk_to_target(world, dossier)
    for member in world.full_members[1:3]:
        contacts.dossier_contact_assign(
            dossier=dossier,
            member=member,
            role=DossierContact.Role.SPONSOR,
            assigned_on=TARGET,
            acting_user=world.secretary,
        )
    record(world, dossier, "political_review", date(2023, 5, 1))
    record(world, dossier, "training", date(2023, 6, 1), ends_on=date(2023, 6, 3), hours=Decimal(24), days=3)
    record(world, dossier, "committee_review", PUBLICITY[0], ends_on=PUBLICITY[1])
    record(world, dossier, "pre_review", date(2024, 9, 20))
    record(world, dossier, "volunteer_form", date(2024, 9, 25))
    approve_all(dossier, world.secretary)
    return Dossier.objects.get(pk=dossier.pk)


def admit(world: World, dossier: Dossier, *, vote_id: int = 101) -> Dossier:
    dossier = prepare_admission(world, dossier)
    return services.dossier_vote_outcome(
        dossier=dossier,
        kind="admission",
        passed=True,
        meeting_on=ADMISSION,
        vote_id=vote_id,
        acting_user=world.secretary,
    )


def prepare_confirmation(world: World, dossier: Dossier) -> Dossier:
    dossier = admit(world, dossier)
    record(world, dossier, "approval", APPROVAL)
    record(world, dossier, "confirmation_application", date(2025, 9, 20))
    approve_all(dossier, world.secretary)
    return Dossier.objects.get(pk=dossier.pk)


__all__ = ["World", "build_world", "person"]
