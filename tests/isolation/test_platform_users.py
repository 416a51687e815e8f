"""The console's 平台账号 routes, actor by actor: a platform operator is let in; a committee user,
an anonymous visitor and an institution's administrator (tested with every console route in
test_isolation) are refused, and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from services.accounts.models import User
from services.accounts.services import api_token_create
from tests.conftest import client_for, host_of, in_schema, make_user
from tests.isolation.case import CONSOLE
from tests.isolation.cases_platform_users import CASES
from tests.isolation.routes import Route, routes

GUARDED = [r for r in routes(CONSOLE) if CASES.get((CONSOLE, r.name)) and CASES[(CONSOLE, r.name)].kind == "console"]


def _url(route: Route, target: User) -> str:
    kwargs = {"pk": target.pk} if "<" in route.pattern else {}
    return reverse(route.name, urlconf=CONSOLE, kwargs=kwargs)


def _clients(user: User | None) -> list[Client]:
    if user is None:
        return [Client(HTTP_HOST=host_of(None))]
    with in_schema("public"):
        _, raw = api_token_create(user=user, name="route-check")
    return [client_for(None, user), Client(HTTP_HOST=host_of(None), HTTP_AUTHORIZATION=f"Bearer {raw}")]


def _send(client: Client, method: str, url: str) -> Any:
    return getattr(client, method)(url, content_type="application/json")


def _unchanged(target: User) -> bool:
    with in_schema("public"):
        return User.objects.filter(pk=target.pk, is_active=True, password=target.password).exists()


@pytest.fixture
def target(db: None) -> User:
    return make_user(None, username="target", platform_role="committee")


def _refused(route: Route, response: Any, *, signed_in: bool) -> bool:
    """The API: 401 or 403. A page: 403 for a signed-in console user, else the sign-in page (a
    bearer token does not sign anyone in to a page)."""
    if route.is_api:
        return response.status_code in (401, 403)
    to_login = response.status_code == 302 and response.url.startswith("/accounts/login/")
    return to_login or (signed_in and response.status_code == 403)


@pytest.mark.parametrize("route", GUARDED, ids=str)
@pytest.mark.parametrize("who", ["committee", "anonymous"])
def test_the_committee_and_anonymous_visitors_are_refused(route: Route, who: str, target: User) -> None:
    user = make_user(None, username="committee_actor", platform_role="committee") if who == "committee" else None
    url = _url(route, target)
    for client in _clients(user):
        for method in CASES[(CONSOLE, route.name)].methods:
            response = _send(client, method, url)
            assert _refused(route, response, signed_in=user is not None), f"{who} {method} {url}: {response}"
    assert _unchanged(target)


@pytest.mark.parametrize("route", GUARDED, ids=str)
def test_an_operator_is_let_in(route: Route, operator: User, target: User) -> None:
    url = _url(route, target)
    session, token = _clients(operator)
    for client in (session, token) if route.is_api else (session,):  # a token opens no page
        for method in CASES[(CONSOLE, route.name)].methods:
            response = _send(client, method, url)
            assert response.status_code not in (401, 403, 404, 405), f"{method} {url}: {response.status_code}"
            if response.status_code == 302:
                assert not response.url.startswith("/accounts/login/")
