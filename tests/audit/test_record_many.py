"""``audit_record_many`` writes its rows as one statement of arrays (services/kernel/bulk.py):
each row as ``audit_record`` would write it, the action's address, channel and request id, the
batch's actor, the time, and each target's own detail on top of the shared one."""

from __future__ import annotations

from services.accounts.audit_events import ACCOUNTS_PROVISIONED
from services.audit.models import AuditEvent
from services.audit.services import audit_record_many
from services.kernel.actions import acting
from tenants.models import Institution
from tests.conftest import in_schema, make_user


def test_rows_carry_the_action_the_actor_and_each_targets_detail(inst_a: Institution) -> None:
    admin = make_user(inst_a, username="batch-admin")
    with in_schema(inst_a), acting(channel="web", ip="10.1.2.3", request_id="r" * 32):
        count = audit_record_many(
            event=ACCOUNTS_PROVISIONED,
            acting_user=admin,
            targets=[("accounts.user", 7), ("accounts.user", 8), ("accounts.user", 9)],
            detail={"for": "member", "shared": [1, "二"]},
            per_target={7: {"record": 70}, 9: {"record": 90, "for": "dossier"}},
        )
        rows = list(AuditEvent.objects.filter(event=ACCOUNTS_PROVISIONED.code).order_by("id"))
    assert count == 3
    assert [(r.object_type, r.object_id) for r in rows] == [
        ("accounts.user", "7"),
        ("accounts.user", "8"),
        ("accounts.user", "9"),
    ]
    assert [r.detail for r in rows] == [
        {"for": "member", "shared": [1, "二"], "record": 70},
        {"for": "member", "shared": [1, "二"]},
        {"for": "dossier", "shared": [1, "二"], "record": 90},
    ]
    for row in rows:
        assert (row.actor_id, row.actor_username) == (admin.pk, "batch-admin")
        assert (str(row.ip), row.channel, row.request_id) == ("10.1.2.3", "web", "r" * 32)
        assert row.occurred_at is not None and row.before is None and row.after is None


def test_a_batch_without_an_actor_is_the_systems_and_nothing_is_written_for_no_targets(inst_a: Institution) -> None:
    with in_schema(inst_a):
        assert audit_record_many(event=ACCOUNTS_PROVISIONED, acting_user=None, targets=[], detail={}) == 0
        audit_record_many(event=ACCOUNTS_PROVISIONED, acting_user=None, targets=[("accounts.user", 1)], detail={})
        row = AuditEvent.objects.get(event=ACCOUNTS_PROVISIONED.code)
    assert (row.actor_id, row.actor_username, row.ip, row.channel, row.detail) == (None, "system", None, "", {})
