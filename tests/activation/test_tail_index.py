"""The blind index of the national ID's last six characters stays in step with the number on every
way a member record or a dossier is written, and accounts for dossiers."""

from __future__ import annotations

from datetime import date
from importlib import import_module

from django.apps import apps

from services.accounts.models import User
from services.development.accounts import dossier_accounts_ensure
from services.development.models import Dossier
from services.development.services import dossier_create
from services.members import national_id
from services.members.models import Member
from services.members.services import member_create, member_update
from tenants.models import Institution
from tests.conftest import in_schema, make_user
from tests.factories import MemberFactory, OrgUnitFactory, _national_id


def test_the_tail_is_read_as_typed_and_namespaced() -> None:
    assert national_id.tail(" 37010219900307123ｘ ") == "07123X"
    assert national_id.tail_index("123x") != national_id.tail_index("23X")
    assert national_id.tail_index("11010119900307123x") == national_id.tail_index("07123X")
    from services.crypto import blind_index

    assert national_id.tail_index("07123X") != blind_index("07123X")


def test_every_write_of_a_member_keeps_the_tail_index(inst_a: Institution) -> None:
    with in_schema(inst_a):
        admin = make_user(inst_a, username="tail-admin", is_superuser=True)
        branch = OrgUnitFactory()
        number = _national_id()
        created = member_create(
            acting_user=admin, name="李雷", national_id=number, category="faculty", branch=branch, phone=""
        )
        assert created.national_id_tail_index == national_id.tail_index(number)
        other = _national_id()
        updated = member_update(member=created, acting_user=admin, national_id=other)
        assert Member.objects.get(pk=updated.pk).national_id_tail_index == national_id.tail_index(other)
        bulk_number = _national_id()
        bulk = MemberFactory.build(national_id=bulk_number, branch=branch)
        Member.objects.bulk_create([bulk])  # the transfer's and the demo's way
        assert Member.objects.get(pk=bulk.pk).national_id_tail_index == national_id.tail_index(bulk_number)


def test_dossier_creation_keeps_the_tail_index_and_dossiers_get_accounts(inst_a: Institution) -> None:
    with in_schema(inst_a):
        admin = make_user(inst_a, username="tail-admin2", is_superuser=True)
        branch = OrgUnitFactory()
        number = _national_id()
        dossier = dossier_create(
            acting_user=admin,
            branch=branch,
            name="韩梅",
            national_id=number,
            category="student",
            applied_on=date(2026, 3, 1),
            number="S2026001",
        )
        assert Dossier.objects.get(pk=dossier.pk).national_id_tail_index == national_id.tail_index(number)
        plain = Dossier.objects.create(
            name="无号",
            gender="male",
            birth_date=date(1990, 1, 1),
            national_id=_national_id(),
            national_id_index="x",
            category="student",
            branch=branch,
            applied_on=date(2026, 3, 1),
        )
        assert dossier_accounts_ensure(dossiers=[dossier, plain], acting_user=admin) == 2
        assert User.objects.get(dossiers=dossier).username == "S2026001"
        assert User.objects.get(dossiers=plain).username == f"d{plain.pk}"
        assert User.objects.get(dossiers=plain).activated_at is None


def test_the_migration_fills_existing_rows(inst_a: Institution) -> None:
    migration = import_module("services.members.migrations.0006_activation_lookup")
    with in_schema(inst_a):
        member = MemberFactory()
        Member.objects.filter(pk=member.pk).update(national_id_tail_index="")
        migration.fill_tail_index(apps, None)
        assert Member.objects.get(pk=member.pk).national_id_tail_index == national_id.tail_index(member.national_id)
