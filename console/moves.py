"""Moving an institution to another Citus worker from the console (operators only).

The request checks and records the move (an audit row, phase "started") and queues it; the
worker task runs Citus's shard move of the institution's schema (tenants.citus.move_schema:
logical replication, the institution keeps serving) and records "done" or "failed". The
progress the page shows is read back from these audit rows and from Citus's own catalog, so
it is the same whichever process ran the move. Refused, saying so, when the deployment is not
on Citus.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from services.audit.models import AuditEvent
from services.audit.services import audit_record
from tenants import citus
from tenants.models import Institution
from tenants.queueing import publish_after_commit

from . import audit_events

STARTED, DONE, FAILED = "started", "done", "failed"


def _not_on_citus() -> ValidationError:
    return ValidationError(_("本平台的数据库不是 Citus 集群，学校不能迁移到其他节点。"))


@dataclass(frozen=True)
class Placement:
    """Where an institution is, where it may go, and its last move."""

    current: list[str]
    workers: list[str]
    phase: str = ""  # the last move's: started (queued or copying), done or failed; "" if none
    source: str = ""
    target: str = ""
    at: datetime | None = None
    error: str = ""

    @property
    def moving(self) -> bool:
        return self.phase == STARTED


def _last_move(institution: Institution) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(
            event=audit_events.INSTITUTION_MOVED.code,
            object_type=institution._meta.label_lower,
            object_id=str(institution.pk),
        )
        .order_by("-occurred_at", "-pk")
        .first()
    )


def placement(institution: Institution) -> Placement | None:
    """The institution's node and the workers; None when the deployment is not on Citus."""
    if not citus.enabled():
        return None
    last = _last_move(institution)
    detail: dict[str, Any] = (last.detail or {}) if last is not None else {}
    return Placement(
        current=citus.schema_nodes(institution.schema_name),
        workers=citus.worker_nodes(),
        phase=str(detail.get("phase", "")),
        source=str(detail.get("source", "")),
        target=str(detail.get("target", "")),
        at=last.occurred_at if last is not None else None,
        error=str(detail.get("error", "")),
    )


def institution_move_start(
    *, institution: Institution, target: str, confirmation: str, acting_user: Any = None, queue: bool = True
) -> Placement:
    """Check and record the move of ``institution`` to the worker ``target`` ("host:port"),
    typed-again code as the confirmation, and queue it (tasks.move_institution)."""
    if not citus.enabled():
        raise _not_on_citus()
    if confirmation.strip() != institution.code:
        raise ValidationError(_("确认内容与学校代码不一致，未迁移。"))
    if institution.status not in {"active", "suspended"}:
        raise ValidationError(_("只有正常或暂停状态的学校可以迁移节点。"))
    with transaction.atomic():
        Institution.objects.select_for_update().get(pk=institution.pk)  # one move request at a time
        where = placement(institution)
        assert where is not None
        if where.moving:
            raise ValidationError(_("该校正在迁移到 %(target)s，请等待完成后再操作。") % {"target": where.target})
        if target not in where.workers:
            raise ValidationError(_("目标节点“%(target)s”不是集群中的工作节点，请从列表中选择。") % {"target": target})
        if target in where.current:
            raise ValidationError(_("该校已在节点 %(target)s 上，无需迁移。") % {"target": target})
        source = ", ".join(where.current)
        recorded = audit_record(
            event=audit_events.INSTITUTION_MOVED,
            actor=acting_user,
            target=institution,
            detail={"phase": STARTED, "source": source, "target": target},
        )
        if queue:
            from . import tasks  # tasks import this module

            publish_after_commit(
                tasks.move_institution, institution.pk, target, getattr(acting_user, "pk", None), durable=True
            )
    # What the page shows next: the placement read above, with the move just recorded as the last.
    return replace(where, phase=STARTED, source=source, target=target, at=recorded.occurred_at, error="")


def institution_move_run(*, institution: Institution, target: str, acting_user: Any = None) -> Placement:
    """Run a recorded move (the task's body): Citus moves the schema online; the outcome is
    audited (a failure too, with Citus's message; the schema then stays where it was). A
    duplicate delivery finds the institution on ``target`` and records done again."""
    if not citus.enabled():
        raise _not_on_citus()
    started = time.monotonic()
    try:
        source, _target = citus.move_schema(institution.schema_name, target)
    except Exception as exc:
        audit_record(
            event=audit_events.INSTITUTION_MOVED,
            actor=acting_user,
            target=institution,
            detail={"phase": FAILED, "target": target, "error": str(exc)[:500]},
        )
        result = placement(institution)
        assert result is not None
        return result  # the page says it failed and why; the operator may try again
    audit_record(
        event=audit_events.INSTITUTION_MOVED,
        actor=acting_user,
        target=institution,
        detail={"phase": DONE, "source": source, "target": target, "seconds": round(time.monotonic() - started, 1)},
    )
    result = placement(institution)
    assert result is not None
    return result
