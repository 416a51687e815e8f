"""Lifecycle follows the record: a member who leaves the roll (stopped, deceased, transferred out)
loses their account at once — disabled, sessions ended, API tokens revoked, audited, in the
status change's transaction — in a constant number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.accounts import audit_events as account_events
from services.accounts.models import ApiToken, User, UserSession
from services.accounts.services import api_token_create
from services.audit.models import AuditEvent
from services.members.accounts import member_accounts_close, member_accounts_ensure
from services.members.models import Member
from services.members.services import member_status_change
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user
from tests.factories import MemberFactory
from tests.members.helpers import build_tree


def _signed_in_member(inst: Institution, branch: object, username: str) -> tuple[Member, User]:
    user = make_user(inst, username=username)
    client_for(inst, user)  # a session, indexed at sign-in
    with in_schema(inst):
        member = MemberFactory(branch=branch, user=user, name=username, status=Member.Status.NORMAL)
        api_token_create(user=user, name="phone")
    return member, user


@pytest.mark.parametrize("status", [Member.Status.DECEASED, Member.Status.STOPPED, Member.Status.TRANSFERRED_OUT])
def test_leaving_the_roll_disables_the_account_and_ends_its_access(inst_a: Institution, status: str) -> None:
    with in_schema(inst_a):
        tree = build_tree()
    admin = make_user(inst_a, username="lifecycle_admin", is_superuser=True)
    member, user = _signed_in_member(inst_a, tree.branch_x, "leaving")
    _, staying = _signed_in_member(inst_a, tree.branch_x, "staying")
    with in_schema(inst_a):
        member_status_change(
            member=member, to_status=status, on_date=date.today(), reason="依规处理", acting_user=admin
        )
        user.refresh_from_db()
        assert not user.is_active
        assert not UserSession.objects.filter(user=user).exists()
        assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
        assert UserSession.objects.filter(user=staying).exists()
        assert Session.objects.count() == 1  # only the other member's
        closed = AuditEvent.objects.get(event=account_events.ACCOUNT_CLOSED.code, object_id=str(user.pk))
        assert closed.detail["reason"] == status and closed.detail["member"] == member.pk
        assert closed.actor_username == "lifecycle_admin"
        assert AuditEvent.objects.filter(event=account_events.TOKEN_REVOKED.code, detail__reason=status).exists()


def test_a_refused_status_change_leaves_the_account_alone(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
    admin = make_user(inst_a, username="lifecycle_admin", is_superuser=True)
    member, user = _signed_in_member(inst_a, tree.branch_x, "kept")
    with in_schema(inst_a):
        with pytest.raises(ValidationError):  # a date in the future: refused, nothing half-done
            member_status_change(
                member=member,
                to_status=Member.Status.DECEASED,
                on_date=date.today() + timedelta(days=3),
                reason="x",
                acting_user=admin,
            )
        user.refresh_from_db()
        assert user.is_active and UserSession.objects.filter(user=user).exists()


def test_closing_one_account_among_many_costs_a_constant_number_of_queries(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
    people = [_signed_in_member(inst_a, tree.branch_y, f"crowd{i}") for i in range(12)]

    def close(members: list[Member]) -> int:
        with in_schema(inst_a):
            Member.objects.filter(pk__in=[m.pk for m in members]).update(status=Member.Status.DECEASED)
            with CaptureQueriesContext(connection) as queries:
                assert member_accounts_close(
                    member_ids=[m.pk for m in members], reason="deceased", acting_user=None
                ) == len(members)
            return len(queries)

    one = close([people[0][0]])
    assert close([m for m, _ in people[1:]]) == one  # eleven at once: the same queries
    with in_schema(inst_a):
        assert not User.objects.filter(pk__in=[u.pk for _, u in people], is_active=True).exists()
        assert UserSession.objects.count() == 0


def test_no_new_account_is_made_for_a_record_off_the_roll(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        gone = MemberFactory(branch=tree.branch_x, status=Member.Status.DECEASED)
        here = MemberFactory(branch=tree.branch_x, status=Member.Status.NORMAL)
        assert member_accounts_ensure(members=[gone, here], acting_user=None) == 1
        assert Member.objects.get(pk=gone.pk).user_id is None
