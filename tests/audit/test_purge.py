from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from services.audit.management.commands.audit_purge import AUDIT_MIN_RETENTION_DAYS
from services.audit.models import AuditEvent
from services.audit.services import audit_record
from tenants.models import Institution
from tests.audit.support import insert_event
from tests.conftest import in_schema


def _ages(days: list[int]) -> dict[int, int]:
    """Rows aged ``days`` (one per age) in the current schema: {age: id}."""
    now = timezone.now()
    return {age: insert_event(occurred_at=now - timedelta(days=age), actor_username="purge_test") for age in days}


def _alive(ids: dict[int, int]) -> set[int]:
    present = set(AuditEvent.objects.filter(pk__in=ids.values()).values_list("pk", flat=True))
    return {age for age, pk in ids.items() if pk in present}


def _purge(*args: str) -> str:
    out = io.StringIO()
    call_command("audit_purge", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _refused(statement: str, params: list[object] | None = None) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except DatabaseError:
        return True
    return False


def test_the_minimum_retention_is_six_months() -> None:
    assert AUDIT_MIN_RETENTION_DAYS == 180


def test_plain_update_delete_and_truncate_still_fail(inst_a: Institution) -> None:
    for schema in ("public", inst_a.schema_name):
        with in_schema(schema):
            old = insert_event(occurred_at=timezone.now() - timedelta(days=400))
            assert _refused("DELETE FROM audit_auditevent WHERE id = %s", [old])
            assert _refused("UPDATE audit_auditevent SET actor_username = 'x' WHERE id = %s", [old])
            assert _refused("TRUNCATE audit_auditevent")
            with pytest.raises(DatabaseError), transaction.atomic():
                AuditEvent.objects.filter(pk=old).delete()
            assert AuditEvent.objects.filter(pk=old).exists()


def test_the_purge_flag_set_by_hand_cannot_delete_recent_rows(inst_a: Institution) -> None:
    with in_schema(inst_a):
        recent = audit_record(event="auth.login")
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL audit.purging = 'on'")
            assert _refused("DELETE FROM audit_auditevent WHERE id = %s", [recent.pk])
        assert AuditEvent.objects.filter(pk=recent.pk).exists()


def test_purge_removes_only_rows_past_the_retention_in_every_schema(inst_a: Institution) -> None:
    rows = {}
    for schema in ("public", inst_a.schema_name):
        with in_schema(schema):
            rows[schema] = _ages([400, 181, 179, 1])
    out = _purge()
    for schema in ("public", inst_a.schema_name):
        with in_schema(schema):
            assert _alive(rows[schema]) == {179, 1}, schema
        assert f"{schema}: " in out
    with in_schema(inst_a):  # the flag did not outlive the purge in this transaction
        assert _refused("DELETE FROM audit_auditevent WHERE actor_username = 'purge_test'")


def test_a_longer_retention_keeps_more(inst_a: Institution) -> None:
    with in_schema(inst_a):
        rows = _ages([400, 200])
    _purge("--days", "365")
    with in_schema(inst_a):
        assert _alive(rows) == {200}


def test_dry_run_deletes_nothing(inst_a: Institution) -> None:
    with in_schema(inst_a):
        rows = _ages([400])
    out = _purge("--dry-run", "--schema", inst_a.schema_name)
    assert f"{inst_a.schema_name}: 1 to delete" in out
    with in_schema(inst_a):
        assert _alive(rows) == {400}


def test_a_retention_below_180_days_is_refused(inst_a: Institution) -> None:
    with in_schema(inst_a):
        rows = _ages([179 + 1, 400])
    with pytest.raises(CommandError, match="at least 180 days"):
        _purge("--days", "179")
    with override_settings(AUDIT_RETENTION_DAYS=90), pytest.raises(CommandError, match="at least 180 days"):
        _purge()
    with in_schema(inst_a):
        assert _alive(rows) == {180, 400}


def test_the_database_function_refuses_a_recent_cutoff_too(inst_a: Institution) -> None:
    with in_schema(inst_a):
        rows = _ages([170])
        schema = inst_a.schema_name
        assert _refused(f"SELECT \"{schema}\".audit_purge_before(now() - interval '179 days')")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT \"{schema}\".audit_purge_before(now() - interval '181 days')")
        assert _alive(rows) == {170}


def test_the_migration_is_reversible(inst_b: Institution) -> None:
    def function_exists() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = %s AND p.proname = 'audit_purge_before'",
                [inst_b.schema_name],
            )
            return cursor.fetchone() is not None

    options = {"schema_name": inst_b.schema_name, "verbosity": 0, "stdout": io.StringIO()}
    call_command("migrate_schemas", "audit", "0003", **options)
    assert not function_exists()
    with in_schema(inst_b):
        old = insert_event(occurred_at=timezone.now() - timedelta(days=400))
        assert _refused("DELETE FROM audit_auditevent WHERE id = %s", [old])  # 0002's trigger is back as it was
    call_command("migrate_schemas", "audit", **options)
    assert function_exists()
    connection.set_schema_to_public()


def test_a_provisioned_institution_purges_its_own_table(inst_a: Institution, inst_b: Institution) -> None:
    # Institutions are created from a pg_dump of the template schema, renamed: the function's
    # fixed search path must name the institution's schema, not the template's.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, p.proconfig, p.prosecdef FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE p.proname = 'audit_purge_before' AND n.nspname = ANY(%s)",
            [[inst_a.schema_name, inst_b.schema_name]],
        )
        found = {schema: (config, definer) for schema, config, definer in cursor.fetchall()}
    for schema in (inst_a.schema_name, inst_b.schema_name):
        config, definer = found[schema]
        assert definer
        assert f"search_path={schema}, pg_temp" in config and "audit.purging=on" in config
    with in_schema(inst_b):
        rows = _ages([400])
    _purge("--schema", inst_a.schema_name)
    with in_schema(inst_b):
        assert _alive(rows) == {400}


def test_the_daily_tasks_purge_one_institution_or_the_public_schema(inst_a: Institution, inst_b: Institution) -> None:
    from services.audit.tasks import purge_expired_audit, purge_expired_public_audit

    rows = {}
    for schema in ("public", inst_a.schema_name, inst_b.schema_name):
        with in_schema(schema):
            rows[schema] = _ages([400, 1])
    assert purge_expired_audit.run(inst_a.schema_name) == 1  # runs inside A's schema only
    with in_schema(inst_a):
        assert _alive(rows[inst_a.schema_name]) == {1}
    with in_schema(inst_b):
        assert _alive(rows[inst_b.schema_name]) == {400, 1}
    assert purge_expired_public_audit.run() >= 1
    with in_schema("public"):
        assert _alive(rows["public"]) == {1}
