"""The one way a portal view runs a service: call it, report a refusal on the form (each message
next to the field it names) or as messages, say what was done, then redirect.

A view validates its form, then hands the service call to ``run_service`` with the success message
and where to go::

    done = run_service(
        request,
        lambda: services.member_create(acting_user=request.user, **form.service_fields()),
        form=form,
        success=lambda member: _("已新建 %(name)s 的党员档案。") % {"name": member.name},
        redirect_to=lambda member: reverse("members:detail", kwargs={"pk": member.pk}),
    )
    if done.response:
        return done.response
    return render(request, "members/edit.html", {"form": form})  # the form now holds the errors

Without a form, the service's messages become error messages (one each, or ``joined`` into one)
and ``on_error`` says where to go (None: the view renders its page). A button that goes back to
one page whatever happens reads ``return run_and_redirect(request, lambda: …, success=…, to=…)``.
The API does not use this: its one exception path is ``partycloud.api.exception_handler``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import redirect

from .forms import add_service_errors

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What ``run_service`` did: the service's ``value`` (success) or its ``error``, and the
    ``response`` to answer with (a redirect), if it decided one."""

    value: T | None = None
    error: Exception | None = None
    response: HttpResponseRedirectBase | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def error_lines(exc: Exception) -> list[str]:
    """A service's refusal as lines: every message of a ValidationError (field ones too, in order),
    or the text of a PermissionDenied."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return [str(message) for field_messages in exc.message_dict.values() for message in field_messages]
        return [str(message) for message in exc.messages]
    return [str(exc)]


def run_service(
    request: HttpRequest,
    call: Callable[[], T],
    *,
    form: forms.BaseForm | None = None,
    form_field: str | None = None,
    next_to_fields: bool = True,
    success: str | Callable[[T], str] | None = None,
    redirect_to: Any = None,
    on_error: Any = None,
    joined: str | None = None,
    prefix: str = "",
    refusals: bool = False,
    level: int = messages.SUCCESS,
) -> Outcome[T]:
    """Run ``call`` (a service call). On success: the ``success`` message (text, or made from the
    result) and a redirect to ``redirect_to`` (anything ``redirect`` takes, or made from the result;
    None: no response, the view goes on). On a ValidationError (and a PermissionDenied when
    ``refusals``, for pages that show a refusal rather than the 403 page): with a ``form``, its
    errors on the form (``form_field``: where messages that name no field go, else the top of the
    form; ``next_to_fields=False``: every message at the top, one each, for a page that shows no
    field's errors); without, error messages (one per line, or ``joined`` by that separator; each after
    ``prefix``); then a redirect to ``on_error`` if given. ``level``: the success message's (an
    operation that only starts says so as ``messages.INFO``)."""
    caught: tuple[type[Exception], ...] = (ValidationError, PermissionDenied) if refusals else (ValidationError,)
    try:
        value = call()
    except caught as exc:
        _report(
            request, exc, form=form, form_field=form_field, next_to_fields=next_to_fields, joined=joined, prefix=prefix
        )
        return Outcome(error=exc, response=_redirect(on_error) if on_error is not None else None)
    if success is not None:
        messages.add_message(request, level, success(value) if callable(success) else success)
    target = redirect_to(value) if callable(redirect_to) else redirect_to
    return Outcome(value=value, response=_redirect(target) if target is not None else None)


def run_and_redirect(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    to: Any,
    success: str | Callable[[Any], str] | None = None,
    on_error: Any = None,
    **options: Any,
) -> HttpResponse:
    """``run_service`` for a button: whatever happens, go ``to`` (or ``on_error`` on a refusal),
    the outcome said in a message."""
    done = run_service(
        request, call, success=success, redirect_to=to, on_error=to if on_error is None else on_error, **options
    )
    assert done.response is not None
    return done.response


def _report(
    request: HttpRequest,
    exc: Exception,
    *,
    form: forms.BaseForm | None,
    form_field: str | None,
    next_to_fields: bool,
    joined: str | None,
    prefix: str,
) -> None:
    if form is not None and isinstance(exc, ValidationError):
        if not next_to_fields:
            for line in error_lines(exc):
                form.add_error(None, line)
        elif form_field is not None and not hasattr(exc, "error_dict"):
            form.add_error(form_field if form_field in form.fields else None, exc.messages)
        else:
            add_service_errors(form, exc)
        return
    lines = error_lines(exc)
    for line in [joined.join(lines)] if joined is not None else lines:
        messages.error(request, f"{prefix}{line}")


def _redirect(target: Any) -> HttpResponseRedirectBase:
    return target if isinstance(target, HttpResponseRedirectBase) else redirect(target)
