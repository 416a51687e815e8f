"""How each reminder source fared in the last scan (``SourceRun``): a source that raises is kept
failing — with the reason in Chinese for the institution's administrators, and the technical
error after it — until a later scan runs it again. The scan calls ``source_runs_record`` in its
own transaction; the reminders page shows ``failing_sources`` to the institution's
administrators; the log says when a source starts failing and when it recovers."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from services.rule_overrides.selectors import invalid_overrides

from .models import SourceRun
from .selectors import kind_label

logger = logging.getLogger(__name__)
ERROR_MAX = 1000


def failure_message(*, source: str, exc: BaseException) -> str:
    """Why a source did not run, for administrators: which reminders are missing, what to check
    (an override out of its range is named, with its date), then the error as raised."""
    message = _("“%(source)s”提醒本次扫描未能生成，原有提醒保持不变。") % {"source": kind_label(source)}
    try:
        wrong = invalid_overrides()
    except DatabaseError:  # the source broke the connection's transaction: say what we can
        wrong = []
    if wrong:
        listed = "；".join(
            _("%(title)s（%(key)s）取值 %(value)s，自 %(day)s 起")
            % {"title": o.title, "key": o.key, "value": o.value, "day": o.effective_from.isoformat()}
            for o in wrong
        )
        message += _("本校调整的以下规则取值超出允许范围，请在“规则设置”中以正确的取值重新调整：%(rules)s。") % {
            "rules": listed
        }
    else:
        message += _("请将下面的错误信息告知平台运维人员。")
    return f"{message}（{type(exc).__name__}: {exc}）"[:ERROR_MAX]


def source_runs_record(*, scanned_on: date, at: datetime, ran: list[str], failed: dict[str, str]) -> None:
    """One row per source: the sources that ran are fine again, the failed ones keep the time
    they started failing. Inside the scan's transaction."""
    schema = getattr(connection, "schema_name", "")
    known = {run.source: run for run in SourceRun.objects.filter(source__in=[*ran, *failed])}
    rows = [SourceRun(source=name, scanned_on=scanned_on, ran_at=at, ok=True, error="") for name in ran]
    for name, message in failed.items():
        before = known.get(name)
        since = before.failing_since if before is not None and not before.ok and before.failing_since else at
        if before is None or before.ok:
            logger.error("reminder source %s started failing in %s: %s", name, schema, message)
        row = SourceRun(source=name, scanned_on=scanned_on, ran_at=at, ok=False, failing_since=since, error=message)
        rows.append(row)
    for name in ran:
        if name in known and not known[name].ok:
            logger.warning("reminder source %s runs again in %s", name, schema)
    SourceRun.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["source"],
        update_fields=["scanned_on", "ran_at", "ok", "failing_since", "error"],
    )


def failing_sources() -> list[tuple[SourceRun, str]]:
    """The sources whose last run failed, with their Chinese labels, for the administrators."""
    runs = SourceRun.objects.filter(ok=False).order_by("failing_since", "source")
    return [(run, kind_label(run.source)) for run in runs]
