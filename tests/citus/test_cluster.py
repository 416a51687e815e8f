"""The application on a Citus cluster (schema-based sharding): institutions are distributed to the
workers at provisioning, public tables they reference are reference tables, and what is special
in the app keeps working through the coordinator: isolation between institutions, the
append-only audit trigger, advisory locks, SET LOCAL search_path, COPY-based imports and
full-text search."""

from __future__ import annotations

import io
import time

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from console.services import institution_create
from services.audit.models import AuditEvent
from services.members.models import ImportJob, Member
from services.search.backends import Query, Visibility, get_backend
from services.search.contract import IndexEntry
from services.search.indexing import _rebuild_lock, lock_objects
from tenants import citus
from tenants.models import Institution
from tests.audit.support import insert_event
from tests.citus.helpers import has_every_snapshot_constraint, scalar, worker_nodes
from tests.conftest import ADMIN_PASSWORD, Institutions, client_for, in_schema
from tests.factories import MemberFactory, UserFactory
from tests.members.test_import import World, import_file, row, world, xlsx

__all__ = ["world"]  # the import suite's fixture, used here as it is there

pytestmark = pytest.mark.django_db


def test_institution_schemas_live_on_workers_as_distributed_schemas(institutions: Institutions) -> None:
    workers = worker_nodes()
    assert len(workers) == 2
    for institution in (institutions.a, institutions.b):
        assert institution.schema_name in citus.distributed_schemas()
        nodes = citus.schema_nodes(institution.schema_name)
        assert len(nodes) == 1 and set(nodes) <= workers  # one colocation group, on one worker
        shards = scalar(
            "SELECT count(*) FROM citus_shards WHERE citus_table_type = 'schema'"
            " AND table_name IN (SELECT oid FROM pg_class WHERE relnamespace = %s::regnamespace)",
            [institution.schema_name],
        )
        tables = scalar("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [institution.schema_name])
        assert shards == tables  # every table of the institution is distributed
    assert settings.TENANT_TEMPLATE_SCHEMA not in citus.distributed_schemas()  # stays on the coordinator


def test_public_tables_referenced_by_institutions_are_reference_tables(institutions: Institutions) -> None:
    referenced = citus.referenced_public_tables()
    assert "procedures_proceduretemplate" in referenced
    assert set(referenced) <= citus.reference_tables()
    kinds = dict(scalar("SELECT json_object_agg(logicalrelid::regclass::text, repmodel) FROM pg_dist_partition") or {})
    assert "tenants_institution" not in kinds  # the rest of public stays on the coordinator
    assert citus.ensure_reference_tables() == []  # idempotent: nothing left to convert


def test_provisioning_creates_a_new_institution_distributed(institutions: Institutions) -> None:
    """In the test's transaction: rolled back afterwards, schema and placement included."""
    started = time.monotonic()
    institution, _ = institution_create(code="citusnew", name="新学院", admin_password=ADMIN_PASSWORD)
    print(f"citus provisioning: {time.monotonic() - started:.2f} s")
    assert institution.schema_name in citus.distributed_schemas()
    assert set(citus.schema_nodes(institution.schema_name)) <= worker_nodes()
    assert has_every_snapshot_constraint(institution.schema_name)
    with in_schema(institution):
        assert Member.objects.count() == 0
        MemberFactory(name="新党员")
        assert Member.objects.filter(name="新党员").count() == 1


def test_citus_distribute_command_distributes_an_existing_schema(institutions: Institutions) -> None:
    out = io.StringIO()
    call_command("citus_distribute", stdout=out)
    assert "0 distributed, " in out.getvalue()  # every institution already is


def test_a_request_in_institution_a_cannot_read_b(inst_a: Institution, inst_b: Institution) -> None:
    with in_schema(inst_b):
        MemberFactory(name="乙校党员")
    with in_schema(inst_a):
        MemberFactory(name="甲校党员")
        admin = UserFactory(username="citus_admin", is_superuser=True, is_staff=True)
    response = client_for(inst_a, admin).get(reverse("members:roster"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "甲校党员" in page and "乙校党员" not in page
    with in_schema(inst_a):
        assert not Member.objects.filter(name="乙校党员").exists()


def _refused(statement: str, params: list[object]) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except DatabaseError:
        return True
    return False


def test_the_append_only_audit_trigger_refuses_update_and_delete_on_the_worker(inst_a: Institution) -> None:
    with in_schema(inst_a):
        event = insert_event(occurred_at=timezone.now(), actor_username="citus")
        assert _refused("UPDATE audit_auditevent SET actor_username = 'x' WHERE id = %s", [event])
        assert _refused("DELETE FROM audit_auditevent WHERE id = %s", [event])
        assert AuditEvent.objects.get(pk=event).actor_username == "citus"


def _other_connection() -> psycopg2.extensions.connection:
    db = settings.DATABASES["default"]
    return psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432, password=db["PASSWORD"]
    )


def test_advisory_locks_of_reindex_and_indexing_hold_across_connections(inst_a: Institution) -> None:
    other = _other_connection()
    try:
        with other.cursor() as cursor, _rebuild_lock(inst_a.schema_name):
            cursor.execute(
                "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [f"search-rebuild:{inst_a.schema_name}"]
            )
            assert cursor.fetchone()[0] is False  # a second rebuild of the same schema is refused
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [f"search-rebuild:{inst_a.schema_name}"]
            )
            assert cursor.fetchone()[0] is True  # released when the rebuild ends
            cursor.execute("SELECT pg_advisory_unlock_all()")
        with transaction.atomic():
            lock_objects(inst_a.schema_name, {"member": [1]})
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0))",
                    [f"search:{inst_a.schema_name}:member:1"],
                )
                assert cursor.fetchone()[0] is False  # held until the indexing transaction ends
            other.rollback()
    finally:
        other.close()


def test_set_local_search_path_selects_the_institution_for_one_transaction(
    inst_a: Institution, inst_b: Institution
) -> None:
    with in_schema(inst_b):
        MemberFactory(name="只在乙校")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SET LOCAL search_path = {inst_b.schema_name}; SELECT count(*) FROM members_member WHERE name = %s",
            ["只在乙校"],
        )
        assert cursor.fetchone()[0] == 1
        cursor.execute(
            f"SET LOCAL search_path = {inst_a.schema_name}; SELECT count(*) FROM members_member WHERE name = %s",
            ["只在乙校"],
        )
        assert cursor.fetchone()[0] == 0


def test_a_copy_based_roster_import_commits_on_the_worker(inst_a: Institution, world: World) -> None:
    rows = [row(姓名=f"分片党员{i}", 所在支部="X支部") for i in range(5)]
    job = import_file(inst_a, world.admin, xlsx(rows))
    assert job.status == ImportJob.Status.DONE
    assert job.created_count == 5
    with in_schema(inst_a):
        assert Member.objects.filter(name__startswith="分片党员").count() == 5


def test_full_text_search_columns_work_on_the_worker(
    settings: object, inst_a: Institution, inst_b: Institution
) -> None:
    settings.SEARCH_BACKEND = "postgres"  # type: ignore[attr-defined]
    backend = get_backend()
    for institution, title in ((inst_a, "分布式检索甲"), (inst_b, "分布式检索乙")):
        with in_schema(institution):
            backend.upsert(
                schema=connection.schema_name,
                entries=[IndexEntry(kind="member", object_id=424242, title=title, body="学习党章", url="/")],
            )
    with in_schema(inst_a):
        query = Query(text="党章", visibility=Visibility(everything=True), limit=10)
        titles = [hit.title for hit in backend.search(schema=connection.schema_name, query=query).hits]
        assert titles == ["分布式检索甲"]
        vector = scalar("SELECT vector IS NOT NULL FROM search_searchentry WHERE object_id = 424242")
        assert vector is True


@pytest.mark.django_db
def test_institution_functions_are_pinned_to_their_schema_on_the_workers(institutions: Institutions) -> None:
    """Triggers run on the worker, where the request's search path is not set: the schema's
    functions carry their own, so a guard finds its helper there (orglife's minutes guard)."""
    schemas = [institutions.a.schema_name, institutions.b.schema_name]
    assert citus.pin_function_search_paths(schemas) == 0  # provisioning and migrate pinned them all
    schema = institutions.a.schema_name
    pinned = scalar(
        "SELECT proconfig::text FROM pg_proc WHERE proname = 'orglife_minutes_finalized'"
        f" AND pronamespace = '{schema}'::regnamespace"
    )
    assert pinned == f'{{"search_path={schema}, public"}}'
    on_workers = scalar(
        "SELECT result FROM run_command_on_workers($$SELECT count(*) FROM pg_proc p JOIN pg_namespace n"
        f" ON n.oid = p.pronamespace WHERE n.nspname = '{schema}' AND p.proconfig IS NOT NULL$$)"
        " ORDER BY result DESC LIMIT 1"
    )
    assert int(on_workers) > 0
