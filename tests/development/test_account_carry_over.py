"""An applicant's account carries over: when the dossier becomes a member record at admission,
the account the applicant signed in with is the member's; without one, the new member gets an
account to activate."""

from __future__ import annotations

import pytest

from services.development.models import Dossier
from tenants.models import Institution
from tests.conftest import in_schema, make_user
from tests.development.helpers import World, admit, apply, build_world


@pytest.fixture
def world(inst_a: Institution) -> World:
    with in_schema(inst_a):
        return build_world()


def test_the_applicants_account_becomes_the_members_at_admission(world: World, inst_a: Institution) -> None:
    account = make_user(inst_a, username="applicant_2024")
    with in_schema(inst_a):
        dossier = apply(world)
        Dossier.objects.filter(pk=dossier.pk).update(user=account)
        admitted = admit(world, Dossier.objects.get(pk=dossier.pk))
        assert admitted.member is not None and admitted.member.user_id == account.pk
        account.refresh_from_db()
        assert account.is_active  # the same account, still usable: nothing to activate again


def test_an_applicant_without_an_account_gets_one_to_activate(world: World, inst_a: Institution) -> None:
    with in_schema(inst_a):
        admitted = admit(world, apply(world, name="赵无号"))
        assert admitted.member is not None and admitted.member.user is not None
        assert admitted.member.user.activated_at is None and not admitted.member.user.has_usable_password()
