"""Fixtures of the ideological-report tests: institution A's branch (the organization-life
fixture: members[0] is the secretary), an activist with an account and a dossier, and the
activist's contact person (members[3], with an account)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from services.accounts.models import User
from services.crypto import blind_index
from services.development.models import Dossier, DossierContact
from services.procedures.models import Stage
from tenants.models import Institution
from tests.conftest import in_schema, make_user
from tests.factories import _national_id
from tests.orglife.conftest import Branch, make_branch


@dataclass
class People:
    branch: Branch
    secretary: User
    activist: User
    dossier: Dossier
    contact: User
    stranger: User  # a full member of the branch with an account: neither author nor reviewer


def make_dossier(
    branch: Branch, *, name: str, user: User | None, stage: str = Stage.ACTIVIST, **dates: object
) -> Dossier:
    number = _national_id()
    values: dict[str, object] = {"applied_on": date(2025, 1, 10), "activist_on": date(2025, 4, 1), **dates}
    return Dossier.objects.create(
        name=name,
        gender="male",
        birth_date=date(2003, 1, 1),
        national_id=number,
        national_id_index=blind_index(number),
        category="student",
        branch=branch.unit,
        stage=stage,
        user=user,
        **values,  # type: ignore[arg-type]
    )


def make_people(institution: Institution, username: str = "tr") -> People:
    branch = make_branch(institution, username=f"{username}_secretary")
    with in_schema(institution):
        activist = make_user(institution, username=f"{username}_activist", display_name="积极分子甲")
        dossier = make_dossier(branch, name="积极分子甲", user=activist)
        contact = make_user(institution, username=f"{username}_contact", display_name="联系人乙")
        stranger = make_user(institution, username=f"{username}_stranger")
        branch.members[3].user = contact
        branch.members[3].save(update_fields=["user"])
        branch.members[4].user = stranger
        branch.members[4].save(update_fields=["user"])
        DossierContact.objects.create(
            dossier=dossier, member=branch.members[3], role=DossierContact.Role.CONTACT, assigned_on=date(2025, 4, 1)
        )
    return People(branch, branch.secretary, activist, dossier, contact, stranger)


@pytest.fixture
def people(inst_a: Institution) -> Iterator[People]:
    made = make_people(inst_a)
    with in_schema(inst_a):
        yield made
