"""The role × route matrix (``matrix.py``): every route of both URLconfs, every actor, one cell each.

One test per route sends every cell's request and reports every cell that differs at once. The
actors and their objects (``matrix_world.py``) are built once for the module, in a transaction
rolled back when the module ends; each test's own changes roll back with the test.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import models, transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import host_of, in_schema
from tests.isolation.case import CONSOLE, TENANT, Case
from tests.isolation.matrix import CELLS, INVALID, Row, matrix_rows
from tests.isolation.matrix_world import TENANT_ACTORS, World, build_world, remove_files
from tests.isolation.routes import Route, routes
from tests.isolation.test_isolation import CASES

ROWS = matrix_rows()
ALL_ROUTES = routes(TENANT) + routes(CONSOLE)
LOGIN = "/accounts/login/"
UUID_ONLY = "00000000-0000-4000-8000-000000000001"


def test_every_route_has_a_matrix_row() -> None:
    missing = [f"{r.urlconf}: {r.name} ({r.pattern})" for r in ALL_ROUTES if (r.urlconf, r.name) not in ROWS]
    stale = [key for key in ROWS if key not in {(r.urlconf, r.name) for r in ALL_ROUTES}]
    assert not missing, "routes without a matrix row (add them to tests/isolation/matrix_*.py): " + "; ".join(missing)
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"


@pytest.fixture(scope="module")
def world(institutions: Any, django_db_blocker: Any) -> Iterator[World]:
    """Built once, inside a transaction that the end of the module rolls back (each test's own
    transaction nests in it as a savepoint)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        built = None
        try:
            built = build_world(institutions.a)
            yield built
        finally:
            if built is not None:
                remove_files(built)
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def outcome(response: Any) -> str:
    code = response.status_code
    if code == 401 or (code in (301, 302, 303) and response["Location"].startswith(LOGIN)):
        return "login"
    if code in (403, 404):
        return str(code)
    if code in (400, 409, 415):
        return INVALID
    return "ok" if 200 <= code < 400 else str(code)


def _target(world: World, row: Row, actor: str, side: str) -> models.Model | None:
    if row.subject is None:
        return None
    subject = world.subjects[row.subject]
    if subject.owned:
        return subject.own.get(actor, subject.outside) if side in ("self", "in") else subject.outside
    if side == "self":
        return subject.own.get(actor, subject.inside)
    return subject.outside if side == "out" else subject.inside


def _url(route: Route, case: Case, row: Row, target: models.Model | None) -> str:
    if "<" not in route.pattern:
        return reverse(route.name, urlconf=route.urlconf)
    value: Any = target.pk if target is not None else 1
    if target is None and ("<uuid:" in route.pattern or "[0-9a-fA-F]{8}-" in route.pattern):
        value = UUID_ONLY
    kwargs = row.kwargs or {case.lookup: value, **case.url_kwargs}
    return reverse(route.name, urlconf=route.urlconf, kwargs=kwargs)


def _snapshot(world: World, route: Route, target: models.Model | None) -> Any:
    if target is None:
        return None
    with in_schema(world.institution if route.urlconf == TENANT else "public"):
        return type(target).objects.filter(pk=target.pk).values().first()


def _markers(world: World, row: Row, actor: str) -> tuple[str, str]:
    assert row.subject is not None
    if world.subjects[row.subject].owned:
        return f"MX-IN-{row.subject}-{actor}", f"MX-OUT-{row.subject}"
    return f"MX-IN-{row.subject}", f"MX-OUT-{row.subject}"


class Checker:
    def __init__(self, world: World, route: Route) -> None:
        self.world, self.route = world, route
        self.case, self.row = CASES[(route.urlconf, route.name)], ROWS[(route.urlconf, route.name)]
        self.host = host_of(world.institution if route.urlconf == TENANT else None)
        self.problems: list[str] = []
        self.sent: dict[tuple[str, str, str], Any] = {}

    def send(self, actor: str, method: str, url: str) -> Any:
        key = (actor, method, url)
        if key not in self.sent:
            client = self.world.clients[actor]
            if (actor in TENANT_ACTORS) != (self.route.urlconf == TENANT) and actor != "anonymous":
                # An account of the other schema: its cookie, on a client of its own, so that
                # whatever this host sets does not replace the actor's session.
                client = Client(raise_request_exception=False)
                client.cookies = copy.deepcopy(self.world.clients[actor].cookies)
            self.sent[key] = getattr(client, method)(url, HTTP_HOST=self.host, content_type="application/json")
        return self.sent[key]

    def check(self, method: str, cell: str) -> None:
        actor, side = CELLS[cell]
        target = _target(self.world, self.row, actor, side)
        url = _url(self.route, self.case, self.row, target)
        before = _snapshot(self.world, self.route, target) if method != "get" else None
        response = self.send(actor, method, url)
        got = outcome(response)
        expected = self.row.expected(method, cell)
        what = f"{method.upper()} {url} as {cell}"
        if cell in self.row.gaps:
            if self.row.accepts(method, cell, got):
                self.problems.append(f"{what}: known gap is closed, remove it ({self.row.gaps[cell].reason})")
            return
        if not self.row.accepts(method, cell, got):
            self.problems.append(f"{what}: expected {expected}, got {got} ({response.status_code})")
            return
        if method != "get" and got != "ok" and _snapshot(self.world, self.route, target) != before:
            self.problems.append(f"{what}: refused ({got}) but changed the object")
        if method == "get" and got == "ok" and self.case.kind == "collection" and self.row.visible(actor) is not None:
            assert self.row.subject is not None, f"{self.route.name}: a list's row names its subject (or sees={{}})"
            self.check_list(response, actor, what)

    def check_list(self, response: Any, actor: str, what: str) -> None:
        body = response.content.decode()
        seen = (self.row.visible(actor) or "").split()
        inside, outside = _markers(self.world, self.row, actor)
        if "in" in seen and inside not in body:
            self.problems.append(f"{what}: the list does not show {inside}")
        if self.world.subjects[self.row.subject].inside is self.world.subjects[self.row.subject].outside:
            return  # one object for the whole institution: no outside to look for
        if ("out" in seen) != (outside in body):
            self.problems.append(f"{what}: {outside} {'missing from' if 'out' in seen else 'shown in'} the list")

    def run(self) -> None:
        for method in self.row.methods or self.case.methods:
            if method == "get":
                for cell in CELLS:
                    self.check(method, cell)
                continue
            allowed = [cell for cell in CELLS if self.row.expected(method, cell) == "ok" and cell not in self.row.gaps]
            for cell in CELLS:
                if cell not in allowed:
                    self.check(method, cell)
            if allowed and self.row.writes_allowed:
                self.check(method, allowed[0])


@pytest.mark.parametrize("route", [r for r in ALL_ROUTES if (r.urlconf, r.name) in ROWS], ids=str)
def test_each_actor_gets_what_the_matrix_says(route: Route, world: World, db: None) -> None:
    checker = Checker(world, route)
    checker.run()
    assert not checker.problems, "\n".join(checker.problems)
