"""A user's delete stays in the schema it runs in (tenants/deletion.py): a console user (public
schema) is pointed at by institution-only apps whose tables the public schema does not have, and
Django's own collector asked them anyway (the delete failed with "relation does not exist")."""

from __future__ import annotations

import pytest
from django.db import ProgrammingError, transaction
from django.db.models.deletion import Collector

from services.accounts.models import User
from services.accounts.services import api_token_create
from tenants.models import Institution
from tests.conftest import in_schema, make_user

SHARED_PK = 987_654


def _referenced_in_both_schemas(institution: Institution) -> User:
    """A console user and an institution user with the same id, the latter holding rows of
    institution-only apps (an admin grant, a reminder preference)."""
    from services.organization.models import AdminGrant, OrgUnit
    from services.organization.services import org_unit_create
    from services.reminders.models import ReminderPreference

    console_user = make_user(None, pk=SHARED_PK, username="leaving", platform_role="committee")
    with in_schema("public"):
        api_token_create(user=console_user, name="t")
    with in_schema(institution):
        twin = make_user(institution, pk=SHARED_PK, username="twin")
        unit = org_unit_create(name="删除测试党委", kind=OrgUnit.Kind.COMMITTEE)
        AdminGrant.objects.create(user=twin, unit=unit, role=AdminGrant.Role.INSTITUTION_ADMIN)
        ReminderPreference.objects.create(user=twin)
    return console_user


def test_djangos_own_collector_reaches_into_tables_the_public_schema_lacks(inst_a: Institution) -> None:
    """Why User.delete is overridden: the stock collector asks every app that points at a user,
    and in the public schema the institution-only apps' tables do not exist."""
    console_user = _referenced_in_both_schemas(inst_a)
    with in_schema("public"), pytest.raises(ProgrammingError, match="does not exist"), transaction.atomic():
        Collector(using="default", origin=console_user).collect([console_user])


def test_deleting_a_console_user_stays_in_the_public_schema(inst_a: Institution) -> None:
    from services.organization.models import AdminGrant
    from services.reminders.models import ReminderPreference

    console_user = _referenced_in_both_schemas(inst_a)
    with in_schema("public"):
        _, per_model = console_user.delete()
        assert per_model == {"accounts.User": 1, "accounts.ApiToken": 1}
        assert not User.objects.filter(pk=SHARED_PK).exists()
    with in_schema(inst_a):  # the institution's user with the same id keeps everything
        assert User.objects.filter(pk=SHARED_PK, username="twin").exists()
        assert AdminGrant.objects.filter(user_id=SHARED_PK).count() == 1
        assert ReminderPreference.objects.filter(user_id=SHARED_PK).exists()


def test_deleting_an_institution_user_still_follows_its_relations(inst_a: Institution) -> None:
    from services.reminders.models import ReminderPreference

    with in_schema(inst_a):
        user = make_user(inst_a, username="goes")
        ReminderPreference.objects.create(user=user)
        _, per_model = user.delete()
        assert per_model["reminders.ReminderPreference"] == 1
