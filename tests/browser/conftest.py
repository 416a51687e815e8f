"""Browser tests: Debian's Chromium, driven by Playwright, against a live server in this process.

How the pieces fit:

- ``browser_server`` (session): Django's ``LiveServerThread`` (a threaded WSGI server, static
  files served from the app directories) on 127.0.0.1 and a free port. Chromium resolves every
  ``*.localhost`` name to loopback, so ``http://alpha.localhost:<port>/`` reaches it and the
  routing middleware picks the institution from the host, exactly as in production.
- The server's request threads open their own database connections, so they only see committed
  rows: the ``institutions`` (tests/conftest.py) and the ``browser_users`` created here are
  committed, never made inside a test's rolled-back transaction, so these tests use neither
  ``db`` nor ``transactional_db`` (the latter would flush the institutions away).
- ``_browser_env`` (package): lets this process touch the database while the browser tests of
  this package run (pytest-django blocks database access outside marked tests, and the server
  threads are part of this process), and sets DJANGO_ALLOW_ASYNC_UNSAFE, because the sync
  Playwright API keeps an asyncio loop running in this thread and Django's ORM would otherwise
  raise SynchronousOnlyOperation. Both, and Playwright itself, are package-scoped rather than
  session-scoped, so tests outside tests/browser that run later in the same process keep
  pytest-django's checks and have no running event loop in their thread.
- While that loop runs, asgiref's ``Local`` gives this thread a second, context-local set of
  database connections (it thinks the thread is async now): the ``playwright`` fixture closes
  them before it stops, or they would stay open and keep the test database from being dropped.
- ``browser`` (package): one headless Chromium; every test gets a fresh context (its own
  cookies). Playwright's ``launch`` gives Chromium a fresh temporary user-data dir and deletes it
  when the browser closes.
- The live server speaks plain HTTP, so Secure cookies are turned off for each browser test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from django.contrib.sessions.models import Session
from django.db import connections
from django_tenants.utils import schema_context
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, expect, sync_playwright
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import Settings

from services.accounts.models import User
from tenants.models import Institution
from tests.conftest import Institutions, host_of
from tests.factories import PASSWORD, UserFactory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Fail fast: every page here is served by a local server.
TIMEOUT_MS = 10_000

MEMBER_USERNAME = "browser-member"
MEMBER_NAME = "测试党员"
OPERATOR_USERNAME = "browser-operator"


@dataclass(frozen=True)
class BrowserServer:
    port: int

    def url(self, institution: Institution | None, path: str = "/") -> str:
        """The address of ``path`` on an institution's site, or on the console for None."""
        return f"http://{host_of(institution)}:{self.port}{path}"


NewContext = Callable[..., BrowserContext]


@dataclass(frozen=True)
class BrowserUsers:
    member: User  # of institution A (alpha)
    operator: User  # platform operator, public schema
    password: str = PASSWORD


@pytest.fixture(scope="session")
def browser_server(django_db_setup: None) -> Iterator[BrowserServer]:
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connection
    from django.test.testcases import LiveServerThread

    database = connection.settings_dict["NAME"]
    if not str(database).startswith("test_"):
        pytest.fail(f"refusing to serve the database {database!r}: it is not a test database")
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield BrowserServer(port=thread.port)
    finally:
        thread.terminate()


@pytest.fixture(scope="package")
def _browser_env(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests drive Debian's Chromium, and {CHROMIUM} is missing (apt-get install chromium)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with django_db_blocker.unblock():
            yield
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _committed_user(schema: str, username: str, **fields: object) -> User:
    with schema_context(schema):
        User.objects.filter(username=username).delete()  # left over from a --reuse-db run
        return cast(User, UserFactory(username=username, **fields))


def _delete_user(schema: str, user: User) -> None:
    with schema_context(schema):
        # Sessions the live server stored for this user, then the user with what refers to it in
        # this schema only (its session index, tokens; User.delete stays in the schema, so the
        # public copy never looks for institution-only tables).
        for session in Session.objects.all():
            if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
                session.delete()
        User.objects.get(pk=user.pk).delete()


@pytest.fixture(scope="package")
def browser_users(_browser_env: None, institutions: Institutions) -> Iterator[BrowserUsers]:
    """Committed accounts the browser signs in with (the live server cannot see uncommitted rows)."""
    alpha = institutions.a.schema_name
    users = BrowserUsers(
        member=_committed_user(alpha, MEMBER_USERNAME, display_name=MEMBER_NAME),
        operator=_committed_user(
            "public", OPERATOR_USERNAME, display_name="平台运维", platform_role="operator", is_staff=True
        ),
    )
    yield users
    _delete_user(alpha, users.member)
    _delete_user("public", users.operator)


@pytest.fixture(scope="package")
def playwright(_browser_env: None) -> Iterator[Playwright]:
    with sync_playwright() as driver:
        expect.set_options(timeout=TIMEOUT_MS)
        yield driver
        # The connections this thread opened while the loop ran (see the module docstring).
        connections.close_all()


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(autouse=True)
def _plain_http_cookies(settings: Settings) -> None:
    """The live server speaks HTTP: Secure cookies (the HTTPS default) would not come back."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(autouse=True)
def _no_search_leftovers(_browser_env: None, institutions: Institutions) -> Iterator[None]:
    """What these tests write is committed, and so is what the worker indexes from it: search
    entries and outbox rows would outlive the rows a test's cleanup deletes and show up in later
    tests' searches in this process. They are derived data, so each browser test ends with none."""
    yield
    from services.search.models import SearchEntry, SearchOutbox

    for schema in ("public", institutions.a.schema_name, institutions.b.schema_name):
        with schema_context(schema):
            SearchOutbox.objects.all().delete()
            SearchEntry.objects.all().delete()


@pytest.fixture
def new_context(browser: Browser, browser_server: BrowserServer) -> Iterator[NewContext]:
    """Factory of fresh browser contexts (own cookies), all closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("locale", "zh-CN")
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context: NewContext) -> BrowserContext:
    return new_context()


@pytest.fixture
def console_errors(context: BrowserContext) -> list[str]:
    """Console errors and uncaught exceptions of every page of ``context`` (CSP violations, 404 assets...)."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        # The site has no favicon; Chromium asks for one anyway.
        if message.type == "error" and not url.endswith("/favicon.ico"):
            errors.append(f"{message.text} ({url})")

    def watch(page: Page) -> None:
        page.on("console", on_console)
        page.on("pageerror", lambda exc: errors.append(str(exc)))

    context.on("page", watch)
    return errors


@pytest.fixture
def page(context: BrowserContext, console_errors: list[str]) -> Page:
    return context.new_page()


def sign_in(page: Page, username: str, password: str) -> None:
    """Fill in and submit the login form on the current page, and wait until the page it leads to
    has loaded: its deferred scripts have run, so what the test types next is heard."""
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    with page.expect_navigation():  # the form posts: always a navigation, signed in or not
        page.get_by_role("button", name="登录", exact=True).click()


__all__ = ["MEMBER_NAME", "BrowserServer", "BrowserUsers", "NewContext", "sign_in"]
