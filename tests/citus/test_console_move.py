"""The console's move of an institution to another worker, on the cluster: an operator picks a
worker and types the code again, the task moves the schema, the page shows where it is and the
move is audited (started, done); wrong confirmations and targets are refused with nothing moved."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from console import audit_events as console_events
from console import moves
from console.tasks import move_institution
from services.accounts.models import User
from services.audit.models import AuditEvent
from tenants import citus
from tenants.models import Institution
from tests.citus.helpers import worker_nodes
from tests.conftest import Institutions, client_for, make_user


def test_an_operator_moves_an_institution_from_its_page(institutions: Institutions, django_db_blocker: Any) -> None:
    # Outside a test transaction, as in production: Citus's shard move refuses to run inside one.
    with django_db_blocker.unblock():
        operator = make_user(None, username="op-move", platform_role="operator", is_staff=True)
        try:
            _move_round_trip(institutions, operator)
        finally:
            operator.delete()


def _move_round_trip(institutions: Institutions, operator: User) -> None:
    inst = Institution.objects.get(pk=institutions.a.pk)
    status = inst.status  # another test may have left it archived: moves are for active ones
    Institution.objects.filter(pk=inst.pk).update(status=Institution.Status.ACTIVE)
    inst.refresh_from_db()
    try:
        _move_and_back(inst, operator)
    finally:
        Institution.objects.filter(pk=inst.pk).update(status=status)


def _move_and_back(inst: Institution, operator: User) -> None:
    first = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    moved = AuditEvent.objects.filter(event=console_events.INSTITUTION_MOVED.code, object_id=str(inst.pk), pk__gt=first)
    (source,) = citus.schema_nodes(inst.schema_name)
    (target,) = worker_nodes() - {source}
    client = client_for(None, operator)
    page = client.get(f"/institutions/{inst.code}/").content.decode()
    assert "数据库节点" in page and f"<code>{source}</code>" in page and f'value="{target}"' in page

    with pytest.raises(ValidationError, match="确认内容与学校代码不一致"):
        moves.institution_move_start(institution=inst, target=target, confirmation="wrong", acting_user=operator)
    with pytest.raises(ValidationError, match="不是集群中的工作节点"):
        moves.institution_move_start(institution=inst, target="10.0.0.1:1", confirmation=inst.code)
    with pytest.raises(ValidationError, match="已在节点"):
        moves.institution_move_start(institution=inst, target=source, confirmation=inst.code)
    assert not moved.exists()

    started = moves.institution_move_start(
        institution=inst, target=target, confirmation=inst.code, acting_user=operator, queue=False
    )
    assert started.moving and started.target == target and started.current == [source]
    assert started == moves.placement(inst)  # what the page reads back from the audit rows and Citus
    with pytest.raises(ValidationError, match="正在迁移到"):
        moves.institution_move_start(institution=inst, target=target, confirmation=inst.code)
    assert "正在从" in client.get(f"/institutions/{inst.code}/").content.decode()

    assert move_institution(inst.pk, target, operator.pk) == moves.DONE
    assert citus.schema_nodes(inst.schema_name) == [target]
    phases = list(moved.order_by("pk").values_list("detail__phase", "actor_username"))
    assert phases == [("started", "op-move"), ("done", "op-move")]
    assert f"<code>{target}</code>" in client.get(f"/institutions/{inst.code}/").content.decode()

    # Back through the view and the (eager) task, so the other tests find it where it was.
    response = client.post(f"/institutions/{inst.code}/move/", {"target": source, "confirmation": inst.code})
    assert response.status_code == 302
    if citus.schema_nodes(inst.schema_name) != [source]:  # queued, not run eagerly: run it here
        move_institution(inst.pk, source, operator.pk)
    assert citus.schema_nodes(inst.schema_name) == [source]
