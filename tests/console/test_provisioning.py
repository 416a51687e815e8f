from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_exists

from console import audit_events as console_events
from console.services import institution_create
from services.accounts.models import User
from services.audit.models import AuditEvent
from tenants.models import Domain, Institution
from tenants.provisioning import template_schema
from tests.conftest import in_schema


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def _structure(schema: str) -> dict[str, set[tuple[str, ...]]]:
    """Columns, indexes, constraints and triggers of a schema, with the schema name left out."""
    queries = {
        "columns": "SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '') "
        "FROM information_schema.columns WHERE table_schema = %s",
        "indexes": "SELECT tablename, indexname, replace(indexdef, %s, '') FROM pg_indexes WHERE schemaname = %s",
        "constraints": "SELECT conname, contype::text FROM pg_constraint c "
        "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = %s",
        "triggers": "SELECT event_object_table, trigger_name, event_manipulation FROM information_schema.triggers "
        "WHERE trigger_schema = %s",
    }
    found = {}
    with connection.cursor() as cursor:
        for key, sql in queries.items():
            cursor.execute(sql, [f"{schema}.", schema] if key == "indexes" else [schema])
            found[key] = {tuple(str(v).replace(f"{schema}.", "") for v in row) for row in cursor.fetchall()}
    return found


def _applied(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        return set(cursor.fetchall())


def test_provisioning_clones_the_template_with_tables_history_and_first_admin(db: None) -> None:
    institution, password = institution_create(code="gamma", name="丙大学", kind="medical", region="上海市")

    assert institution.schema_name == "inst_gamma"
    assert Domain.objects.get(tenant=institution).domain == "gamma.localhost"
    assert _tables("inst_gamma") == _tables(template_schema())
    assert _structure("inst_gamma") == _structure(template_schema())
    assert _applied("inst_gamma") == _applied(template_schema())
    with in_schema(institution):
        admin = User.objects.get(username="admin")
        assert admin.is_superuser and admin.check_password(password)
    assert AuditEvent.objects.filter(event=console_events.INSTITUTION_CREATED, object_id=str(institution.pk)).exists()


def test_cloned_schema_keeps_the_append_only_audit_trigger(db: None) -> None:
    institution, _ = institution_create(code="delta", name="丁学院")
    with in_schema(institution):
        event = AuditEvent.objects.first()
        assert event is not None
        with pytest.raises(Exception, match="append-only"):
            AuditEvent.objects.filter(pk=event.pk).update(event="tampered")


@pytest.mark.parametrize(
    ("code", "message"),
    [("A", "小写字母"), ("1abc", "以字母开头"), ("www", "保留字"), ("alpha", "已被使用")],
)
def test_bad_codes_are_refused_with_a_chinese_message_and_leave_nothing(
    inst_a: Institution, code: str, message: str
) -> None:
    count = Institution.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        institution_create(code=code, name="某学校")
    assert message in " ".join(excinfo.value.messages)
    assert Institution.objects.count() == count


def test_weak_admin_password_is_refused_before_anything_is_created(db: None) -> None:
    with pytest.raises(ValidationError):
        institution_create(code="epsilon", name="戊大学", admin_password="password")
    assert not Institution.objects.filter(code="epsilon").exists()
    assert not schema_exists("inst_epsilon")


def test_a_failure_midway_rolls_back_row_domain_and_schema(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from console import services

    def broken_audit(**kwargs: object) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        institution_create(code="zeta", name="己大学")
    assert not Institution.objects.filter(code="zeta").exists()
    assert not Domain.objects.filter(domain="zeta.localhost").exists()
    assert not schema_exists("inst_zeta")
