"""Audit events, declared by the capability that records them.

Each capability (and the platform console) declares the events it writes in its own
``audit_events.py`` module, discovered for every installed app like ``reminders``::

    from django.utils.translation import gettext_lazy as _

    from services.kernel.audit_events import declare

    LOGIN = declare("auth.login", label=_("登录"), detail="空")

and passes the declared value to ``audit_record`` (services/audit/services.py), which refuses a
code nobody declared. The audit table stores the code, a plain string: adding an event needs no
migration, and a code stays what it is for as long as rows carry it (never rename one). The log
viewer shows each row's registered label, or the code itself for one no longer declared.

A declared event *is* its code (``AuditEventType`` is a ``str``), so it filters and compares like
one: ``AuditEvent.objects.filter(event=LOGIN)``.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

# "<owner>.<what>", lower case, at most the audit column's 50 characters.
_CODE = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
MAX_CODE_LENGTH = 50


class UndeclaredAuditEvent(ValueError):
    """An audit row was asked for with a code no module declared."""


class AuditEventType(str):
    """One declared audit event: the code (the string itself), its label (Chinese, lazy) and what
    its rows' ``detail`` holds (for whoever reads the log)."""

    label: str | Promise
    detail: str

    def __new__(cls, code: str, *, label: str | Promise, detail: str) -> AuditEventType:
        event = super().__new__(cls, code)
        event.label = label
        event.detail = detail
        return event

    @property
    def code(self) -> str:
        return str(self)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (a task argument, a cache) as its code: audit_record takes either.
        return (str, (self.code,))


_DECLARED: dict[str, AuditEventType] = {}
_discovered = False


def declare(code: str, *, label: str | Promise, detail: str) -> AuditEventType:
    """Declare the event ``code`` (unique, "<owner>.<what>") with its label and what its
    ``detail`` holds; returns the value to pass to ``audit_record``."""
    if not _CODE.fullmatch(code) or len(code) > MAX_CODE_LENGTH:
        raise ValueError(f"audit event code {code!r} is not '<owner>.<what>' of at most {MAX_CODE_LENGTH} characters")
    event = AuditEventType(code, label=label, detail=detail)
    known = _DECLARED.get(code)
    if known is not None:
        if (str(known.label), known.detail) != (str(label), detail):
            raise ValueError(f"audit event {code!r} declared twice")
        return known  # the same module imported again (a reload)
    _DECLARED[code] = event
    return event


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("audit_events")
        _discovered = True


def lookup(code: str) -> AuditEventType | None:
    """The declared event of ``code``, or None."""
    event = _DECLARED.get(code)
    if event is None:
        _discover()
        event = _DECLARED.get(code)
    return event


def declared(event: str) -> AuditEventType:
    """``event`` (a declared value or its code) as declared; ``UndeclaredAuditEvent`` if no
    module declares it."""
    found = lookup(str(event))
    if found is None:
        raise UndeclaredAuditEvent(f"audit event {str(event)!r} is not declared (see services/kernel/audit_events.py)")
    return found


def registered() -> dict[str, AuditEventType]:
    """Every declared event by code, sorted by code, after importing each installed app's
    ``audit_events`` module."""
    _discover()
    return dict(sorted(_DECLARED.items()))


def label_for(code: str) -> str | Promise:
    """The label of ``code``; the code itself for one nobody declares (an old row)."""
    event = lookup(code)
    return event.label if event is not None else code
