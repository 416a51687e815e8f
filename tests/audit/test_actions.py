"""The actions context (services/kernel/actions.py): each request, API request, task and command
is one action whose user, address, request id and channel reach the audit rows it writes, and
no action sees another's context or outlives its own."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from console import audit_events as console_events
from services.accounts import audit_events as account_events
from services.accounts.models import ApiToken
from services.accounts.services import api_token_create
from services.audit.models import AuditEvent
from services.audit.services import audit_record
from services.kernel import actions
from services.kernel.actions import ActionsMiddleware, acting, acting_user, current_action
from tenants.models import Institution
from tests.conftest import client_for, host_of, in_schema, make_user


def test_a_requests_address_and_request_id_reach_its_audit_row(inst_a: Institution) -> None:
    user = make_user(inst_a, username="zhang")
    response = client_for(inst_a, user).post(
        "/accounts/logout/", REMOTE_ADDR="203.0.113.7", HTTP_X_REQUEST_ID="edge-0123456789abcdef"
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "edge-0123456789abcdef"
    with in_schema(inst_a):
        row = AuditEvent.objects.get(event=account_events.LOGOUT)
    assert (row.actor_username, row.actor_id) == ("zhang", user.pk)
    assert (row.ip, row.request_id, row.channel) == ("203.0.113.7", "edge-0123456789abcdef", "web")
    assert current_action() is None  # nothing left behind once the request has ended


def test_a_request_id_that_is_not_sane_is_replaced_by_a_new_one(inst_a: Institution) -> None:
    response = Client(HTTP_HOST=host_of(inst_a)).get("/accounts/login/", HTTP_X_REQUEST_ID="bad id; drop table")
    given = response["X-Request-ID"]
    assert given != "bad id; drop table" and len(given) == 32 and int(given, 16) >= 0


def test_an_api_request_with_a_bearer_token_records_the_tokens_user_and_the_api_channel(
    inst_a: Institution, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(inst_a, username="api")
    with in_schema(inst_a):
        token, raw = api_token_create(user=user, name="sync")
    seen: list[tuple[str, Any]] = []
    from services.accounts import services as account_services

    def spying_record(**kwargs: Any) -> AuditEvent:
        action = current_action()
        assert action is not None
        seen.append((action.channel, acting_user()))
        return audit_record(**kwargs)

    monkeypatch.setattr(account_services, "audit_record", spying_record)
    client = Client(HTTP_HOST=host_of(inst_a), HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="198.51.100.4")
    assert client.delete(f"/api/auth/tokens/{token.pk}/").status_code == 204
    assert seen == [("api", user)]  # DRF authenticated the token inside the view: the context knows
    with in_schema(inst_a):
        row = AuditEvent.objects.get(event=account_events.TOKEN_REVOKED, object_id=str(token.pk))
        assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert (row.actor_username, row.channel, row.ip) == ("api", "api", "198.51.100.4")
    assert current_action() is None


def test_a_task_records_the_task_channel_and_no_user(inst_a: Institution, monkeypatch: pytest.MonkeyPatch) -> None:
    from console import tasks

    def audited_cleanup() -> int:
        audit_record(event=console_events.TASK_RETRIED, detail={"probe": True})
        return 0

    monkeypatch.setattr(tasks, "_clear_expired_sessions", audited_cleanup)
    someone = make_user(inst_a, username="web_user")
    # Run eagerly inside a web action, as a request running a task in-process would: the task is
    # an action of its own, and the request's comes back when it ends.
    with acting(channel=actions.WEB, user=someone, ip="192.0.2.1", request_id="outer-request-1"):
        result = tasks.clear_expired_sessions.apply(args=(inst_a.schema_name,))
        action = current_action()
        assert action is not None and (action.channel, action.request_id) == ("web", "outer-request-1")
    assert result.successful()
    with in_schema(inst_a):
        row = AuditEvent.objects.get(event=console_events.TASK_RETRIED, detail__probe=True)
    assert (row.channel, row.actor_id, row.actor_username, row.ip) == ("task", None, "", None)
    assert row.request_id == result.id
    assert current_action() is None


def test_a_command_runs_as_the_command_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    import django.core.management

    import manage

    seen: list[str] = []

    def execute(argv: list[str]) -> None:
        action = current_action()
        seen.append(action.channel if action is not None else "")

    monkeypatch.setattr(django.core.management, "execute_from_command_line", execute)
    manage.main()
    assert seen == ["command"]
    assert current_action() is None


def test_concurrent_requests_never_see_each_others_context() -> None:
    both_inside = threading.Barrier(2, timeout=10)
    seen: dict[str, tuple[Any, ...]] = {}

    def view(request: HttpRequest) -> HttpResponse:
        both_inside.wait()  # the two requests are in flight at the same time
        action = current_action()
        assert action is not None
        seen[request.META["REMOTE_ADDR"]] = (action.ip, action.request_id, action.channel)
        both_inside.wait()
        return HttpResponse()

    middleware = ActionsMiddleware(view)
    after: dict[str, Any] = {}

    def serve(address: str, path: str, request_id: str) -> None:
        middleware(RequestFactory().get(path, REMOTE_ADDR=address, HTTP_X_REQUEST_ID=request_id))
        after[address] = current_action()

    threads = [
        threading.Thread(target=serve, args=("10.0.0.1", "/members/", "first-request-id")),
        threading.Thread(target=serve, args=("10.0.0.2", "/api/members/", "second-request-id")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {
        "10.0.0.1": ("10.0.0.1", "first-request-id", "web"),
        "10.0.0.2": ("10.0.0.2", "second-request-id", "api"),
    }
    assert after == {"10.0.0.1": None, "10.0.0.2": None}
    assert current_action() is None


def test_the_context_is_gone_after_a_request_that_failed() -> None:
    def failing(request: HttpRequest) -> HttpResponse:
        assert current_action() is not None
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        ActionsMiddleware(failing)(RequestFactory().get("/"))
    assert current_action() is None


def test_outside_any_action_audit_rows_have_no_address_nor_channel(inst_a: Institution) -> None:
    with in_schema(inst_a):
        row = audit_record(event=console_events.TASK_RETRIED, detail={"probe": "outside"})
    assert (row.ip, row.channel, row.request_id, row.actor_id) == (None, "", "", None)


def test_rows_written_for_another_institution_carry_neither_this_sides_user_nor_address(
    inst_a: Institution, inst_b: Institution
) -> None:
    reader = make_user(inst_a, username="receiver")
    with acting(channel=actions.WEB, user=reader, ip="192.0.2.9", request_id="cross-request-1"):
        with in_schema(inst_b), actions.for_another_institution():
            row = audit_record(
                event=console_events.TASK_RETRIED, actor_username="alpha:receiver", detail={"probe": "b"}
            )
        assert acting_user() == reader  # this side's action is whole again
    assert (row.actor_id, row.actor_username, row.ip) == (None, "alpha:receiver", None)
    assert (row.channel, row.request_id) == ("web", "cross-request-1")
