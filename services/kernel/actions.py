"""The actions context: who is acting, from where, through which way in.

Whatever changes state runs inside one action: a web request, an API request, a worker task or
a management command. Its entry point sets the context once (``acting``), and the audit log
reads it (``current_action``): services never see the HTTP request, they take ``acting_user``
and their data. Set by:

- ``ActionsMiddleware`` for every request: channel ``api`` under ``/api/``, else ``web``; the
  client's address (``client_ip``); the request id (a sane incoming ``X-Request-ID``, else a new
  one, answered in the same header). The user is read when asked for, from the request, so the
  user DRF authenticates inside the view (a bearer token) is the one recorded.
- Celery's task signals for every task run by a worker (``task_started`` / ``task_finished``,
  connected in partycloud/celery.py): channel ``task``, no user, the task's id as request id.
- ``manage.py``: channel ``command``.

A context never outlives its action: each is a ``ContextVar`` value reset when the action ends,
and threads (gunicorn's) each have their own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

WEB = "web"
API = "api"
TASK = "task"
COMMAND = "command"
CHANNELS = (WEB, API, TASK, COMMAND)

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_META = "HTTP_X_REQUEST_ID"
# What an incoming request id may be (a proxy's or a client's): short, printable, no spaces.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$")


@dataclass(slots=True)
class Action:
    """The context of the action under way. ``user`` is read through ``user_getter`` when
    asked for (None for tasks and commands). Never changed once set (``replace`` makes another);
    not ``frozen``, whose checks would cost every request more than the rest of its context."""

    channel: str
    ip: str | None = None
    request_id: str = ""
    user_getter: Callable[[], Any] | None = None

    @property
    def user(self) -> Any:
        """The signed-in user acting, or None (anonymous, a task, a command)."""
        user = self.user_getter() if self.user_getter is not None else None
        return user if user is not None and getattr(user, "is_authenticated", False) else None


_current: ContextVar[Action | None] = ContextVar("partycloud_action", default=None)


def current_action() -> Action | None:
    """The action under way, or None outside any (a test calling a service, a shell)."""
    return _current.get()


def acting_user() -> Any:
    """The signed-in user of the action under way, or None."""
    action = _current.get()
    return action.user if action is not None else None


@contextmanager
def acting(
    *,
    channel: str,
    user: Any = None,
    user_getter: Callable[[], Any] | None = None,
    ip: str | None = None,
    request_id: str = "",
) -> Iterator[Action]:
    """Run the block as one action, by ``user`` (or whoever ``user_getter`` returns when asked:
    a request's user is known only once it is authenticated); the previous context is back when
    the block ends, however it ends."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    action = Action(
        channel=channel,
        ip=ip,
        request_id=request_id or new_request_id(),
        user_getter=user_getter if user_getter is not None else (lambda: user),
    )
    token = _current.set(action)
    try:
        yield action
    finally:
        _current.reset(token)


@contextmanager
def for_another_institution() -> Iterator[None]:
    """What the block writes into another institution's schema (a letter sent back, a new
    institution's first user) carries neither the user nor the address of the action under way,
    which belong to this side: only its channel and request id."""
    action = _current.get()
    token = _current.set(replace(action, ip=None, user_getter=None) if action is not None else None)
    try:
        yield
    finally:
        _current.reset(token)


def new_request_id() -> str:
    """32 random hex digits (a UUID4's length, without building one)."""
    return os.urandom(16).hex()


def incoming_request_id(request: HttpRequest) -> str:
    """The request id a proxy or client sent, if it is one we may log and echo; else "".
    Read from ``META`` (``request.headers`` would build a mapping of every header per request)."""
    given = request.META.get(_REQUEST_ID_META, "")
    return given if given and _SANE_REQUEST_ID.fullmatch(given) else ""


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the entry of
    X-Forwarded-For they vouch for (entries further left are the client's own claims)."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def request_channel(request: HttpRequest) -> str:
    return API if request.path_info.startswith("/api/") else WEB


class ActionsMiddleware:
    """Every request is one action (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # ``acting`` by hand: this runs for every request, and the context manager's generator
        # and checks cost more than the rest of the middleware.
        request_id = incoming_request_id(request) or new_request_id()
        token = _current.set(
            Action(
                channel=request_channel(request),
                ip=client_ip(request),
                request_id=request_id,
                user_getter=partial(getattr, request, "user", None),
            )
        )
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if REQUEST_ID_HEADER not in response:
            response.headers[REQUEST_ID_HEADER] = request_id
        return response


# Celery: one action per task run by a worker (or eagerly), keyed by the task's id so that a
# task run eagerly inside another action gives that action back when it ends (a stack: an eager
# retry runs again under the same id inside the first run).
_task_tokens: dict[str, list[Token[Action | None]]] = {}


def task_started(task_id: str | None = None, **_: Any) -> None:
    """``task_prerun``: the task runs as an action of channel ``task``, with no user."""
    if task_id:
        _task_tokens.setdefault(task_id, []).append(_current.set(Action(channel=TASK, request_id=task_id)))


def task_finished(task_id: str | None = None, **_: Any) -> None:
    """``task_postrun`` (sent however the task ended): the context before the task is back."""
    tokens = _task_tokens.get(task_id or "")
    if not tokens:
        return
    token = tokens.pop()
    if not tokens:
        del _task_tokens[task_id or ""]
    try:
        _current.reset(token)
    except ValueError:  # set in another context (cannot happen with Celery's prefork/threads)
        _current.set(None)


def connect_task_signals() -> None:
    """Connect ``task_started`` / ``task_finished`` to Celery's signals (once per process)."""
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(task_started, weak=False, dispatch_uid="partycloud.actions.task_started")
    task_postrun.connect(task_finished, weak=False, dispatch_uid="partycloud.actions.task_finished")
