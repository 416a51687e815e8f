"""Institution isolation, route by route.

With two institutions A and B, for every route of the institution URLconf and the console
URLconf: A's credentials (session or bearer token) are worthless on B's host and on the console;
on A's own host, A's lists never contain B's objects and B's object ids lead nowhere (404) and
change nothing. The suite walks the URLconfs: a route without a case in CASES fails
``test_every_route_has_an_isolation_case``, so every new endpoint joins the suite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from services.accounts.models import ApiToken, User
from services.accounts.services import api_token_create
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from tenants.models import Institution
from tests.conftest import client_for, host_of, in_schema, make_user
from tests.isolation.case import CONSOLE, TENANT, Case, capability_cases
from tests.isolation.routes import Route, routes


def _org_unit(owner: User, marker: str) -> models.Model:
    return org_unit_create(name=marker, kind=OrgUnit.Kind.BRANCH)


def _member(owner: User, marker: str) -> models.Model:
    from tests.factories import MemberFactory

    return MemberFactory(name=marker)


def _position(owner: User, marker: str) -> models.Model:
    from services.organization.models import Position
    from tests.factories import MemberFactory

    member = MemberFactory(name=marker)
    return Position.objects.create(
        member=member, unit=member.branch, kind=Position.Kind.SECRETARY, started_on="2025-01-01"
    )


def _position_open(obj: models.Model) -> bool:
    from services.organization.models import Position

    return Position.objects.filter(pk=obj.pk, ended_on__isnull=True).exists()


def _import_job(owner: User, marker: str) -> models.Model:
    from services.members.models import ImportJob

    return ImportJob.objects.create(
        created_by=owner, filename=f"{marker}.xlsx", file_key=f"x/{marker}.xlsx", errors=[{"row": 2, "message": marker}]
    )


def _rule_override(owner: User, marker: str) -> models.Model:
    from datetime import date

    from services.rule_overrides.models import RuleOverride

    return RuleOverride.objects.create(
        key="branch.max_members", value=40, effective_from=date(2020, 1, 1), reason=marker, created_by=owner
    )


def _token(owner: User, marker: str) -> models.Model:
    token, _ = api_token_create(user=owner, name=marker)
    return token


def _token_alive(obj: models.Model) -> bool:
    return ApiToken.objects.filter(pk=obj.pk, revoked_at__isnull=True).exists()


CASES: dict[tuple[str, str], Case] = {
    # Institution sites
    (TENANT, "home"): Case("page"),
    (TENANT, "accounts:login"): Case("anonymous"),
    (TENANT, "accounts:login_totp"): Case("anonymous"),
    (TENANT, "accounts:logout"): Case("anonymous", methods=("post",)),
    (TENANT, "accounts:password_change"): Case("page"),
    (TENANT, "accounts:totp"): Case("page"),
    (TENANT, "set_language"): Case("anonymous", methods=("post",)),
    (TENANT, "healthz"): Case("anonymous"),
    (TENANT, "healthz_live"): Case("anonymous"),
    (TENANT, "metrics"): Case("anonymous"),
    (TENANT, "schema"): Case("anonymous"),
    (TENANT, "api_docs"): Case("anonymous"),
    (TENANT, "api-token-login"): Case("anonymous", methods=("post",)),
    (TENANT, "api-me"): Case("self"),
    (TENANT, "api-token-list"): Case("collection", factory=_token, methods=("get", "post")),
    (TENANT, "api-token-detail"): Case("object", factory=_token, methods=("delete",), exists=_token_alive),
    (TENANT, "org-unit-list"): Case("collection", factory=_org_unit, methods=("get", "post")),
    (TENANT, "org-unit-detail"): Case("object", factory=_org_unit, methods=("get", "patch")),
    # Member records
    (TENANT, "member-list"): Case("collection", factory=_member, methods=("get", "post")),
    (TENANT, "member-detail"): Case("object", factory=_member, methods=("get", "patch")),
    (TENANT, "member-change-status"): Case("object", factory=_member, methods=("post",)),
    (TENANT, "member-reveal"): Case("object", factory=_member, methods=("post",)),
    (TENANT, "member-history"): Case("object", factory=_member),
    (TENANT, "member-rows"): Case("object", factory=_member, methods=("put",), url_kwargs={"kind": "family"}),
    # Member pages
    (TENANT, "members:me"): Case("page"),
    (TENANT, "members:roster"): Case("collection", factory=_member),
    (TENANT, "members:create"): Case("page", methods=("get", "post")),
    (TENANT, "members:detail"): Case("object", factory=_member),
    (TENANT, "members:edit"): Case("object", factory=_member, methods=("get", "post")),
    (TENANT, "members:status"): Case("object", factory=_member, methods=("post",)),
    (TENANT, "members:reveal"): Case("object", factory=_member, methods=("post",)),
    # Roster import and export
    (TENANT, "member_import:page"): Case("page", methods=("get", "post")),
    (TENANT, "member_import:template"): Case("page"),
    (TENANT, "member_import:job"): Case("object", factory=_import_job),
    (TENANT, "member_import:confirm"): Case("object", factory=_import_job, methods=("post",)),
    (TENANT, "member_import:error_report"): Case("object", factory=_import_job),
    (TENANT, "member_import:status"): Case("object", factory=_import_job),
    (TENANT, "member_import:export"): Case("page", methods=("post",)),
    (TENANT, "member_import:export_roster"): Case("page", methods=("get", "post")),
    (TENANT, "member_import:export_national"): Case("page", methods=("get", "post")),
    # Org tree and audit
    (TENANT, "org-unit-warnings"): Case("collection", factory=_org_unit),
    (TENANT, "organization:tree"): Case("page", methods=("get", "post")),
    (TENANT, "organization:unit"): Case("object", factory=_org_unit),
    (TENANT, "organization:unit_add_child"): Case("object", factory=_org_unit, methods=("post",)),
    (TENANT, "organization:unit_rename"): Case("object", factory=_org_unit, methods=("post",)),
    (TENANT, "organization:unit_move"): Case("object", factory=_org_unit, methods=("post",)),
    (TENANT, "organization:unit_merge"): Case("object", factory=_org_unit, methods=("post",)),
    (TENANT, "organization:unit_close"): Case("object", factory=_org_unit, methods=("post",)),
    (TENANT, "organization:unit_term"): Case("object", factory=_org_unit, methods=("post",)),
    (TENANT, "organization:position_assign"): Case("object", factory=_org_unit, methods=("post",)),
    (TENANT, "organization:position_end"): Case("object", factory=_position, methods=("post",), exists=_position_open),
    (TENANT, "audit:log"): Case("page"),
    # Rules
    (TENANT, "rules:page"): Case("collection", factory=_rule_override, methods=("get", "post")),
    (TENANT, "api-rules"): Case("collection", factory=_rule_override),
    (TENANT, "api-rule-overrides"): Case("page", methods=("post",)),
    # Console
    (CONSOLE, "home"): Case("console"),
    (CONSOLE, "console:institution_new"): Case("console"),
    (CONSOLE, "console:institution"): Case("console", lookup="code"),
    (CONSOLE, "console:institution_suspend"): Case("console", lookup="code", methods=("post",)),
    (CONSOLE, "console:institution_resume"): Case("console", lookup="code", methods=("post",)),
    (CONSOLE, "console:institution_archive"): Case("console", lookup="code", methods=("post",)),
    (CONSOLE, "console:institution_delete"): Case("console", lookup="code", methods=("post",)),
    (CONSOLE, "console:institution_move"): Case("console", lookup="code", methods=("post",)),
    (CONSOLE, "console:institution_restore"): Case("console", methods=("get", "post")),
    (CONSOLE, "institution-list"): Case("console", methods=("get", "post")),
    (CONSOLE, "institution-detail"): Case("console", lookup="code"),
    (CONSOLE, "institution-suspend"): Case("console", lookup="code", methods=("post",)),
    (CONSOLE, "institution-resume"): Case("console", lookup="code", methods=("post",)),
    (CONSOLE, "institution-archive"): Case("console", lookup="code", methods=("post",)),
    (CONSOLE, "institution-delete"): Case("console", lookup="code", methods=("post",)),
    (CONSOLE, "institution-restore"): Case("console", methods=("post",)),
    (CONSOLE, "accounts:login"): Case("anonymous"),
    (CONSOLE, "accounts:login_totp"): Case("anonymous"),
    (CONSOLE, "accounts:logout"): Case("anonymous", methods=("post",)),
    (CONSOLE, "accounts:password_change"): Case("page"),
    (CONSOLE, "accounts:totp"): Case("page"),
    (CONSOLE, "set_language"): Case("anonymous", methods=("post",)),
    (CONSOLE, "healthz"): Case("anonymous"),
    (CONSOLE, "healthz_live"): Case("anonymous"),
    (CONSOLE, "metrics"): Case("anonymous"),
    (CONSOLE, "schema"): Case("anonymous"),
    (CONSOLE, "api_docs"): Case("anonymous"),
    (CONSOLE, "api-token-login"): Case("anonymous", methods=("post",)),
    (CONSOLE, "api-me"): Case("self"),
    (CONSOLE, "api-token-list"): Case("self", methods=("get", "post")),
    (CONSOLE, "api-token-detail"): Case("self", methods=("delete",)),
    # Each capability keeps its cases next to the suite, in tests/isolation/cases_<capability>.py.
    **capability_cases(),
}

ALL_ROUTES = routes(TENANT) + routes(CONSOLE)
TENANT_ROUTES = [r for r in ALL_ROUTES if r.urlconf == TENANT]
CONSOLE_ROUTES = [r for r in ALL_ROUTES if r.urlconf == CONSOLE]


MISSING = Case("missing")


def _case(route: Route) -> Case:
    # A route without a case is reported by test_every_route_has_an_isolation_case, not here.
    return CASES.get((route.urlconf, route.name), MISSING)


def test_every_route_has_an_isolation_case() -> None:
    missing = [f"{r.urlconf}: {r.name} ({r.pattern})" for r in ALL_ROUTES if (r.urlconf, r.name) not in CASES]
    stale = [key for key in CASES if key not in {(r.urlconf, r.name) for r in ALL_ROUTES}]
    assert not missing, "routes without an isolation case (add them to CASES): " + "; ".join(missing)
    assert not stale, f"cases for routes that no longer exist: {stale}"


@dataclass
class Actor:
    user: User
    token: str
    session: Client


def _actor(institution: Institution, username: str) -> Actor:
    user = make_user(institution, username=username, is_staff=True, is_superuser=True)
    with in_schema(institution):
        _, raw = api_token_create(user=user, name=f"{username}-token")
    return Actor(user, raw, client_for(institution, user))


@pytest.fixture
def actor_a(inst_a: Institution) -> Actor:
    return _actor(inst_a, "iso_a")


def _url(route: Route, lookup_value: Any = 1) -> str:
    kwargs: dict[str, Any] = {}
    if lookup_value == 1 and ("<uuid:" in route.pattern or "[0-9a-fA-F]{8}-" in route.pattern):
        lookup_value = "00000000-0000-4000-8000-000000000001"  # routes that take only a UUID
    if "<" in route.pattern:
        kwargs = {_case(route).lookup: lookup_value, **_case(route).url_kwargs}
    return reverse(route.name, urlconf=route.urlconf, kwargs=kwargs)


def _assert_denied(route: Route, response: Any, what: str) -> None:
    """API routes refuse with 401/403; pages send the visitor to this host's sign-in page."""
    if route.is_api:
        assert response.status_code in (401, 403), f"{what}: {response.status_code}"
    else:
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), (
            f"{what}: {response.status_code}"
        )


def _call(client: Client, method: str, url: str, host: str, **extra: Any) -> Any:
    return getattr(client, method)(url, HTTP_HOST=host, content_type="application/json", **extra)


@pytest.mark.parametrize("route", [r for r in TENANT_ROUTES if _case(r).kind not in ("anonymous", "missing")], ids=str)
def test_credentials_of_a_are_worthless_on_b(route: Route, actor_a: Actor, inst_b: Institution) -> None:
    case = _case(route)
    url = _url(route, inst_b.code if case.lookup == "code" else 1)
    for method in case.methods:
        by_token = _call(Client(), method, url, host_of(inst_b), HTTP_AUTHORIZATION=f"Bearer {actor_a.token}")
        _assert_denied(route, by_token, f"{method} {url} with A's token on B")
        by_session = _call(actor_a.session, method, url, host_of(inst_b))
        _assert_denied(route, by_session, f"{method} {url} with A's session on B")


@pytest.mark.parametrize("route", [r for r in CONSOLE_ROUTES if _case(r).kind not in ("anonymous", "missing")], ids=str)
def test_institution_credentials_never_open_the_console(route: Route, actor_a: Actor, inst_b: Institution) -> None:
    case = _case(route)
    url = _url(route, inst_b.code if case.lookup == "code" else 1)
    for method in case.methods:
        by_token = _call(Client(), method, url, host_of(None), HTTP_AUTHORIZATION=f"Bearer {actor_a.token}")
        _assert_denied(route, by_token, f"{method} {url} with an institution token on the console")
        by_session = _call(actor_a.session, method, url, host_of(None))
        _assert_denied(route, by_session, f"{method} {url} with an institution session on the console")
    assert Institution.objects.get(pk=inst_b.pk).status == Institution.Status.ACTIVE


@pytest.mark.parametrize("route", [r for r in TENANT_ROUTES if _case(r).kind == "collection"], ids=str)
def test_a_lists_never_show_b_objects(route: Route, actor_a: Actor, inst_a: Institution, inst_b: Institution) -> None:
    factory = _case(route).factory
    assert factory is not None
    with in_schema(inst_a):
        factory(actor_a.user, "A-VISIBLE-MARKER")
    owner_b = make_user(inst_b, username="iso_b")
    with in_schema(inst_b):
        factory(owner_b, "B-SECRET-MARKER")
    body = _call(actor_a.session, "get", _url(route), host_of(inst_a)).content.decode()
    assert "A-VISIBLE-MARKER" in body  # the check can see a marker when it is there
    assert "B-SECRET-MARKER" not in body


@pytest.mark.parametrize("route", [r for r in TENANT_ROUTES if _case(r).kind == "object"], ids=str)
def test_b_object_ids_lead_nowhere_on_a(route: Route, actor_a: Actor, inst_a: Institution, inst_b: Institution) -> None:
    case = _case(route)
    assert case.factory is not None
    owner_b = make_user(inst_b, username="iso_b")
    with in_schema(inst_b):
        secret = case.factory(owner_b, "B-SECRET-MARKER")
    with in_schema(inst_a):  # make sure A has no object with the same id
        type(secret).objects.filter(pk=secret.pk).delete()
    url = _url(route, secret.pk)
    for method in {"get", *case.methods}:
        response = _call(actor_a.session, method, url, host_of(inst_a))
        assert response.status_code in (404, 405), f"{method} {url}: {response.status_code}"
        assert "B-SECRET-MARKER" not in response.content.decode()
    with in_schema(inst_b):
        assert case.exists(secret), "an A request changed B's object"


@pytest.mark.parametrize("route", [r for r in TENANT_ROUTES if _case(r).kind == "self"], ids=str)
def test_self_routes_answer_about_the_caller_only(route: Route, actor_a: Actor, inst_a: Institution) -> None:
    body = _call(actor_a.session, "get", _url(route), host_of(inst_a)).json()
    assert body["username"] == actor_a.user.username
