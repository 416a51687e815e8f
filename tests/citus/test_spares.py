"""Spare institution schemas on the cluster (tenants/spares.py): provisioning renames one built
ahead from the template instead of replaying the snapshot, and the result is the institution a
replay would have made; spares of an older template are never taken and are dropped."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from console.services import institution_create
from services.audit.models import AuditEvent
from services.members.models import Member
from tenants import citus, spares
from tenants.provisioning import schema_create_by_clone
from tests.audit.support import insert_event
from tests.citus.helpers import has_every_snapshot_constraint, scalar, worker_nodes
from tests.conftest import ADMIN_PASSWORD, Institutions, in_schema
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _paths(schema: str) -> set[str]:
    """The search paths the schema's functions carry."""
    found = scalar(
        "SELECT array_agg(DISTINCT setting) FROM pg_proc p, unnest(p.proconfig) AS setting"
        " WHERE p.pronamespace = %s::regnamespace AND setting LIKE 'search_path=%%'",
        [schema],
    )
    return set(found or ())  # type: ignore[call-overload]


@override_settings(CITUS_SPARE_SCHEMAS=1)
def test_provisioning_takes_a_spare_and_the_institution_is_what_a_replay_makes(institutions: Institutions) -> None:
    assert spares.spares_refill() == {"built": 1, "dropped": 0}
    (spare,) = spares.spare_schemas()
    assert spare.startswith(f"spare_{spares._tag()}_") and spare in citus.distributed_schemas()
    assert spares.spares_refill() == {"built": 0, "dropped": 0}  # enough already

    institution, _ = institution_create(code="citusspare", name="备用模式学院", admin_password=ADMIN_PASSWORD)

    schema = institution.schema_name
    assert spares.spare_schemas() == []  # taken, renamed
    assert schema in citus.distributed_schemas() and set(citus.schema_nodes(schema)) <= worker_nodes()
    assert has_every_snapshot_constraint(schema)
    # Every function follows the new name; the audit purge keeps its own path (its schema, pg_temp).
    assert _paths(schema) == {f"search_path={schema}, public", f"search_path={schema}, pg_temp"}
    with in_schema(institution):
        MemberFactory(name="备用党员")  # the guards' triggers find their helpers on the worker
        assert Member.objects.filter(name="备用党员").count() == 1
        event = insert_event(occurred_at=timezone.now(), actor_username="spare")
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event])
        assert AuditEvent.objects.filter(pk=event).exists()


@override_settings(CITUS_SPARE_SCHEMAS=1)
def test_a_spare_of_an_older_template_is_never_taken_and_a_refill_replaces_it(institutions: Institutions) -> None:
    old = "spare_0000000000000000_0a0b0c0d"
    schema_create_by_clone(old, from_spare=False)
    assert spares.spare_schemas() == [old]

    institution, _ = institution_create(code="citusreplay", name="重放学院", admin_password=ADMIN_PASSWORD)

    assert spares.spare_schemas() == [old]  # not taken: the institution was replayed
    assert institution.schema_name in citus.distributed_schemas()
    done = spares.spares_refill()
    assert done == {"built": 1, "dropped": 1}
    (new,) = spares.spare_schemas()
    assert new != old and new.startswith(f"spare_{spares._tag()}_")


def test_with_no_pool_configured_nothing_is_built_or_taken(institutions: Institutions) -> None:
    assert spares.spares_refill() == {"built": 0, "dropped": 0}
    assert spares.spare_take("inst_nothing") is False
    assert spares.spare_schemas() == []
