"""The task class of every PartyCloud task: limits, and bounded redeliveries.

Declared where a task is declared (options of ``@institution_task(...)`` / ``@shared_task``),
with defaults for all tasks in settings/celery.py, and per kind from the environment
(``TASK_LIMITS``, applied as Celery task annotations):

- ``soft_time_limit`` / ``time_limit`` (Celery's): at the soft limit ``SoftTimeLimitExceeded`` is
  raised inside the body, which marks its item failed; at the hard limit the pool kills the
  child. Both need the prefork pool (the default; ``--pool=solo`` ignores them).
- ``memory_limit_mb``: how much address space the body may add. The worker lowers the process's
  ``RLIMIT_AS`` soft limit to "what it uses now + the cap" around the body and restores it after:
  an allocation past it fails, Python raises ``MemoryError`` mid-way, the body marks its item
  failed and the process lives on. (``worker_max_memory_per_child`` only acts after a task ends;
  a cgroup limit kills the whole worker.) The prefork child is single-threaded, so the cap is
  the task's alone.
- ``max_deliveries``, ``track_deliveries``, ``abandon``: see tenants/deliveries.py; ``revive``
  (the task's arguments) puts the item back before an operator's retry (console/dead_letters.py).
- ``verbose_name``: what operators read on the dead-letter page (a Chinese msgid).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from celery import Task
from celery.exceptions import Retry, SoftTimeLimitExceeded

from .pauses import pause

logger = logging.getLogger(__name__)

MB = 1024 * 1024
PAUSE_ENV = "PARTYCLOUD_TEST_TASK_PAUSE"  # "<task name>|<marker file>|<seconds>", set by tests only


def _test_pause(task_name: str) -> None:
    """Tests kill the worker here, once a delivery is counted (tests/tenants/test_task_guard.py)."""
    spec = os.environ.get(PAUSE_ENV)
    if spec:
        name, marker, seconds = spec.split("|")
        if name == task_name:
            pause(marker, float(seconds))


def _address_space_in_use() -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


@contextmanager
def memory_cap(megabytes: int | None) -> Iterator[None]:
    """Let the code inside add at most ``megabytes`` of address space (Linux; elsewhere a no-op)."""
    in_use = _address_space_in_use() if megabytes and sys.platform.startswith("linux") else None
    if in_use is None or not megabytes:
        yield
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = in_use + megabytes * MB
    for ceiling in (soft, hard):  # never loosen a limit the operator set on the process
        if ceiling != resource.RLIM_INFINITY:
            limit = min(limit, ceiling)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def failure_text(exc: BaseException) -> str:
    """What operators read about a failed delivery: the kind of failure, never the exception's
    message (it may quote the data the task worked on)."""
    from django.utils.translation import gettext as _

    if isinstance(exc, SoftTimeLimitExceeded):
        return _("超过执行时限。")
    if isinstance(exc, MemoryError):
        return _("超过内存上限。")
    return _("执行出错（%(kind)s），详见工作进程日志。") % {"kind": type(exc).__name__}


class BoundedTask(Task):  # type: ignore[misc]
    memory_limit_mb: int | None = None  # None: settings.TASK_MEMORY_LIMIT_MB
    max_deliveries: int | None = None  # None: settings.TASK_MAX_DELIVERIES
    track_deliveries = True
    abandon: Callable[..., Any] | None = None  # called with the task's arguments when it is given up
    revive: Callable[..., Any] | None = None  # called with them before an operator's retry
    verbose_name: Any = ""

    def _get_exec_options(self) -> dict[str, Any]:
        # Celery copies the publisher's time limits into each message, where they win over the
        # worker's: leave them out, so the worker's own declarations and TASK_LIMITS decide.
        options = dict(super()._get_exec_options())
        options.pop("time_limit", None)
        options.pop("soft_time_limit", None)
        return options

    def effective_limits(self) -> dict[str, Any]:
        """The limits a delivery of this kind runs under (declared, else the defaults)."""
        from django.conf import settings

        return {
            "soft_time_limit": self.soft_time_limit or self.app.conf.task_soft_time_limit,
            "time_limit": self.time_limit or self.app.conf.task_time_limit,
            "memory_limit_mb": self.memory_limit_mb or settings.TASK_MEMORY_LIMIT_MB,
            "max_deliveries": self.max_deliveries or settings.TASK_MAX_DELIVERIES,
        }

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        request = self.request
        if request.called_directly or request.is_eager:
            return super().__call__(*args, **kwargs)  # a direct call or an eager run: no delivery
        from . import deliveries

        limits = self.effective_limits()
        redelivered = bool((request.delivery_info or {}).get("redelivered"))
        ticket = None
        if self.track_deliveries or redelivered:
            per_institution = getattr(self.run, "per_institution", False)
            ticket = deliveries.delivery_begin(
                task_name=self.name,
                args=args,
                kwargs=kwargs,
                schema_name=str(args[0]) if per_institution and args else "",
                max_deliveries=limits["max_deliveries"],
                redelivered=redelivered,
            )
            if ticket.given_up:
                logger.error("%s%r: delivered %s times, given up", self.name, args, ticket.deliveries)
                abandon = type(self).abandon  # from the class: a plain function, not a bound method
                if abandon is not None:
                    abandon(*args, **kwargs)
                return None
        try:
            with memory_cap(limits["memory_limit_mb"]):
                _test_pause(self.name)
                result = super().__call__(*args, **kwargs)
        except BaseException as exc:
            if ticket is not None:
                deliveries.delivery_failed(ticket, failure_text(exc), queued_again=isinstance(exc, Retry))
            raise
        if ticket is not None:
            deliveries.delivery_done(ticket)
        return result
