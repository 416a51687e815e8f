"""Console accounts (console/platform_users.py): operators create, disable, enable and delete the
accounts of operators and the committee; a new account's owner sets the password through a link
used once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from console import platform_users
from services.accounts.models import ApiToken, User
from services.accounts.services import api_token_create
from services.audit.models import AuditEvent
from tests.conftest import client_for, host_of, in_schema, make_user

NEW_PASSWORD = "Console-pass-2026-long"


def _operator(username: str) -> User:
    return make_user(None, username=username, platform_role="operator", is_staff=True)


def _token_for(user: User) -> str:
    with in_schema("public"):
        _, raw = api_token_create(user=user, name="t")
    return raw


def _api(user: User) -> Client:
    return Client(HTTP_HOST=host_of(None), HTTP_AUTHORIZATION=f"Bearer {_token_for(user)}")


def _path(link: platform_users.SetPasswordLink) -> str:
    return f"/platform-users/set-password/{link.uid}/{link.token}/"


# --- the service ----------------------------------------------------------------------------------


def test_a_new_account_has_no_password_until_its_owner_uses_the_link_once(operator: User) -> None:
    user, link = platform_users.platform_user_create(
        username="wang", role="committee", display_name="王工委", acting_user=operator
    )
    assert link is not None and not user.has_usable_password()
    assert AuditEvent.objects.filter(event="platform_user.created", object_id=str(user.pk)).exists()
    platform_users.platform_user_password_set(uid=link.uid, token=link.token, password=NEW_PASSWORD)
    with in_schema("public"):
        assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    with pytest.raises(ValidationError, match="链接无效或已过期"):
        platform_users.platform_user_password_set(uid=link.uid, token=link.token, password="Another-pass-2026")


def test_only_an_operator_manages_console_accounts(committee_user: User, operator: User) -> None:
    with pytest.raises(PermissionDenied):
        platform_users.platform_user_create(username="x1", role="operator", acting_user=committee_user)
    with pytest.raises(PermissionDenied):
        platform_users.platform_user_set_active(user=operator, active=False, acting_user=committee_user)


def test_create_refuses_a_taken_username_and_an_unknown_role(operator: User) -> None:
    with pytest.raises(ValidationError) as taken:
        platform_users.platform_user_create(username="OP", role="committee", acting_user=operator)
    assert "username" in taken.value.message_dict
    with pytest.raises(ValidationError) as role:
        platform_users.platform_user_create(username="new1", role="superuser", acting_user=operator)
    assert "role" in role.value.message_dict


def test_disabling_ends_sessions_and_tokens_at_once(operator: User, committee_user: User) -> None:
    session = client_for(None, committee_user)
    assert session.get("/").status_code == 200
    token_client = _api(committee_user)
    assert token_client.get("/api/me/").status_code == 200
    platform_users.platform_user_set_active(user=committee_user, active=False, acting_user=operator)
    assert session.get("/").status_code == 302
    assert token_client.get("/api/me/").status_code == 401
    with in_schema("public"):
        assert not ApiToken.objects.filter(user=committee_user, revoked_at__isnull=True).exists()
    row = AuditEvent.objects.get(event="platform_user.disabled", object_id=str(committee_user.pk))
    assert row.detail == {"sessions": 1, "tokens": 1} and row.actor_username == operator.username
    platform_users.platform_user_set_active(user=committee_user, active=True, acting_user=operator)
    assert AuditEvent.objects.filter(event="platform_user.enabled").count() == 1


def test_an_operator_cannot_disable_or_delete_themselves(operator: User) -> None:
    with pytest.raises(ValidationError, match="不能停用自己的账号"):
        platform_users.platform_user_set_active(user=operator, active=False, acting_user=operator)
    with pytest.raises(ValidationError, match="不能删除自己的账号"):
        platform_users.platform_user_delete(user=operator, confirmation=operator.username, acting_user=operator)


def test_the_last_active_operator_stays(operator: User) -> None:
    """Two operators disabling each other at the same moment: the second finds itself disabled
    and the other the last one left (the rows are locked in one order)."""
    other = _operator("op2")
    platform_users.platform_user_set_active(user=other, active=False, acting_user=operator)
    with pytest.raises(ValidationError, match="最后一个启用的平台运维账号"):
        platform_users.platform_user_set_active(user=operator, active=False, acting_user=other)
    with pytest.raises(ValidationError, match="最后一个启用的平台运维账号"):
        platform_users.platform_user_delete(user=operator, confirmation=operator.username, acting_user=other)
    with in_schema("public"):
        assert User.objects.get(pk=operator.pk).is_active


def test_delete_needs_the_username_typed_again_and_is_audited(operator: User, committee_user: User) -> None:
    session = client_for(None, committee_user)
    with pytest.raises(ValidationError, match="确认内容与用户名不一致"):
        platform_users.platform_user_delete(user=committee_user, confirmation="committee", acting_user=operator)
    platform_users.platform_user_delete(user=committee_user, confirmation="committee1", acting_user=operator)
    with in_schema("public"):
        assert not User.objects.filter(pk=committee_user.pk).exists()
    row = AuditEvent.objects.get(event="platform_user.deleted")
    assert row.before == {"username": "committee1", "role": "committee", "display_name": committee_user.display_name}
    assert session.get("/").status_code == 302


def test_a_new_link_kills_the_old_password(operator: User, committee_user: User) -> None:
    link = platform_users.platform_user_link_issue(user=committee_user, acting_user=operator)
    with in_schema("public"):
        assert not User.objects.get(pk=committee_user.pk).has_usable_password()
    platform_users.platform_user_password_set(uid=link.uid, token=link.token, password=NEW_PASSWORD)
    with pytest.raises(ValidationError, match="不能重置自己的密码"):
        platform_users.platform_user_link_issue(user=operator, acting_user=operator)


def test_a_disabled_accounts_link_opens_nothing(operator: User) -> None:
    user, link = platform_users.platform_user_create(username="zhao", role="committee", acting_user=operator)
    assert link is not None
    platform_users.platform_user_set_active(user=user, active=False, acting_user=operator)
    assert platform_users.link_user(uid=link.uid, token=link.token) is None
    assert platform_users.link_user(uid="not-base64!", token=link.token) is None


def test_the_command_creates_an_audited_account_with_a_password(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from django.core.management import call_command

    monkeypatch.setenv("PARTYCLOUD_PASSWORD", NEW_PASSWORD)
    call_command("platform_user_create", "first", role="operator", stdout=io.StringIO())
    with in_schema("public"):
        user = User.objects.get(username="first")
    assert user.platform_role == "operator" and user.is_staff and user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.get(event="platform_user.created").detail == {"how": "password"}
