from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from services.accounts.models import User
from services.accounts.services import api_token_create
from services.oversight.models import InstitutionFigures
from tenants.models import Institution
from tests.conftest import client_for, host_of, in_schema
from tests.platform.celery_worker import broker_redis


def _operator_api(operator: User) -> Client:
    _, raw = api_token_create(user=operator, name="ops")
    return Client(HTTP_HOST=host_of(None), HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_operator_creates_an_institution_through_the_api(operator: User) -> None:
    response = _operator_api(operator).post(
        "/api/institutions/",
        {"code": "eta", "name": "庚大学", "kind": "vocational", "region": "北京市"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["institution"]["domain"] == "eta.localhost"
    institution = Institution.objects.get(code="eta")
    with in_schema(institution):
        assert User.objects.get(username="admin").check_password(body["admin_password"])


def test_api_create_reports_field_errors_in_chinese(operator: User, inst_a: Institution) -> None:
    response = _operator_api(operator).post(
        "/api/institutions/", {"code": "alpha", "name": "重复"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == ["学校代码已被使用。"]


def test_operator_suspends_and_resumes_through_the_api(operator: User, inst_a: Institution) -> None:
    api = _operator_api(operator)
    missing_reason = api.post("/api/institutions/alpha/suspend/", {}, content_type="application/json")
    assert missing_reason.status_code == 400
    suspended = api.post("/api/institutions/alpha/suspend/", {"reason": "审计检查"}, content_type="application/json")
    assert suspended.json()["status"] == "suspended"
    assert api.post("/api/institutions/alpha/resume/").json()["status"] == "active"


def _queued_archive_messages(redis: Any, institution_id: int) -> list[bytes]:
    found = []
    for raw in redis.lrange("celery", 0, -1):
        headers = json.loads(raw)["headers"]
        if headers["task"] == "console.tasks.archive_institution" and headers["argsrepr"].startswith(
            f"({institution_id},"
        ):
            found.append(raw)
    return found


def test_archive_through_the_api_is_queued_on_the_real_broker(
    operator: User, inst_a: Institution, django_capture_on_commit_callbacks: Any
) -> None:
    from tenants import queueing
    from tenants.models import TaskDelivery

    broker = broker_redis()
    before = len(_queued_archive_messages(broker, inst_a.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = _operator_api(operator).post(
            "/api/institutions/alpha/archive/", {"confirmation": "alpha"}, content_type="application/json"
        )
    assert response.status_code == 202 and response.json()["status"] == "archiving"
    # Recorded with the request (the relay publishes it again if the broker drops it) ...
    assert TaskDelivery.objects.get(task_name="console.tasks.archive_institution").args == [inst_a.pk, operator.pk]
    # ... and handed to this process's publisher, which puts it on the broker.
    assert queueing.publisher().idle(timeout=60)
    queued = _queued_archive_messages(broker, inst_a.pk)
    assert len(queued) == before + 1
    for raw in queued:  # no worker consumes this queue in tests: leave the broker as it was
        broker.lrem("celery", 1, raw)


@pytest.mark.parametrize("body", [{}, {"confirmation": ""}, {"confirmation": "beta"}], ids=repr)
def test_archiving_through_the_api_needs_the_typed_code(
    operator: User,
    inst_a: Institution,
    body: dict[str, str],
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    """Reproduction 7: a fuzzer archived two institutions in seconds, one POST each."""
    broker = broker_redis()
    before = len(_queued_archive_messages(broker, inst_a.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = _operator_api(operator).post(
            "/api/institutions/alpha/archive/", body, content_type="application/json"
        )
    assert response.status_code == 400
    assert "确认内容与学校代码不一致，未归档。" in response.content.decode()
    assert Institution.objects.get(pk=inst_a.pk).status == Institution.Status.ACTIVE
    assert len(_queued_archive_messages(broker, inst_a.pk)) == before


def test_deleting_through_the_api_needs_the_typed_code(operator: User, inst_a: Institution) -> None:
    Institution.objects.filter(pk=inst_a.pk).update(status="archived", last_export_at="2026-11-01T00:00Z")
    response = _operator_api(operator).post("/api/institutions/alpha/delete/", {}, content_type="application/json")
    assert response.status_code == 400
    assert "确认内容与学校代码不一致，未删除。" in response.content.decode()
    assert Institution.objects.filter(pk=inst_a.pk).exists()


def test_resuming_an_archived_institution_through_the_api_is_refused(operator: User, inst_a: Institution) -> None:
    Institution.objects.filter(pk=inst_a.pk).update(status="archived", last_export_at="2026-11-01T00:00Z")
    response = _operator_api(operator).post("/api/institutions/alpha/resume/")
    assert response.status_code == 400
    assert "学校当前为“已归档”状态，不能恢复正常。" in response.content.decode()
    assert Institution.objects.get(pk=inst_a.pk).status == Institution.Status.ARCHIVED


def test_console_archive_needs_the_typed_code(operator: User, inst_a: Institution) -> None:
    client = client_for(None, operator)
    page = client.get("/institutions/alpha/").content.decode()
    assert 'name="confirmation"' in page and "请输入学校代码以确认归档" in page
    response = client.post("/institutions/alpha/archive/", {"confirmation": "alph"}, follow=True)
    assert "确认内容与学校代码不一致，未归档。" in response.content.decode()
    assert Institution.objects.get(pk=inst_a.pk).status == Institution.Status.ACTIVE


def test_an_archived_institutions_page_offers_no_resume(operator: User, inst_a: Institution) -> None:
    Institution.objects.filter(pk=inst_a.pk).update(status="archived", last_export_at="2026-11-01T00:00Z")
    page = client_for(None, operator).get("/institutions/alpha/").content.decode()
    assert "恢复正常" not in page and "永久删除" in page


def test_committee_sees_figures_but_cannot_manage(committee_user: User, inst_a: Institution) -> None:
    InstitutionFigures.objects.create(
        institution=inst_a, member_count=321, branch_count=12, probationary_count=7, computed_at="2026-11-01T00:00Z"
    )
    client = client_for(None, committee_user)
    page = client.get("/").content.decode()
    assert "321" in page and inst_a.name in page
    assert "开通学校" not in page
    assert client.get("/institutions/new/").status_code == 403
    _, raw = api_token_create(user=committee_user, name="c")
    api = Client(HTTP_HOST=host_of(None), HTTP_AUTHORIZATION=f"Bearer {raw}")
    refused = api.get("/api/institutions/")
    assert refused.status_code == 403 and refused.json()["detail"] == "只有平台运维人员可以管理学校。"
    # The refusal speaks the caller's language (the message is translated per request, not at import).
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = api.get("/api/institutions/")
    assert english.json()["detail"] == "Only platform operators can manage institutions."


def test_console_create_form_shows_the_password_once(operator: User) -> None:
    cache.clear()
    client = client_for(None, operator)
    response = client.post(
        "/institutions/new/",
        {"name": "辛学院", "code": "theta", "kind": "medical", "region": "", "admin_username": "admin"},
    )
    assert response.status_code == 200
    assert "初始密码只显示这一次" in response.content.decode()
    assert Institution.objects.filter(code="theta").exists()


def test_console_delete_needs_the_typed_code(operator: User, inst_a: Institution) -> None:
    Institution.objects.filter(pk=inst_a.pk).update(status="archived", last_export_at="2026-11-01T00:00Z")
    client = client_for(None, operator)
    response = client.post("/institutions/alpha/delete/", {"confirmation": "beta"}, follow=True)
    assert "确认内容与学校代码不一致" in response.content.decode()
    assert Institution.objects.filter(pk=inst_a.pk).exists()


def test_a_refused_console_page_is_audited(committee_user: User) -> None:
    from services.accounts import audit_events as account_events
    from services.audit.models import AuditEvent

    client_for(None, committee_user).get("/institutions/new/")
    assert AuditEvent.objects.filter(
        event=account_events.PERMISSION_DENIED, actor_username="committee1", detail__path="/institutions/new/"
    ).exists()


def test_restoring_through_the_api_needs_the_typed_code_and_a_deleted_institution(
    operator: User, inst_a: Institution
) -> None:
    api = _operator_api(operator)
    key = "_archives/alpha/alpha-20260101000000.tar.gz"
    for body, refusal in (
        ({"archive": key}, "确认内容与学校代码不一致，未恢复。"),
        ({"archive": key, "confirmation": ""}, "确认内容与学校代码不一致，未恢复。"),
        ({"archive": key, "confirmation": "alpha"}, "学校当前为“正常”状态，不能从归档恢复。"),
        ({"archive": "_archives/gone/gone-20260101000000.tar.gz", "confirmation": "gone"}, "没有找到该归档文件。"),
    ):
        response = api.post("/api/institutions/restore/", body, content_type="application/json")
        assert response.status_code == 400, body
        assert refusal in response.content.decode(), body
    assert Institution.objects.get(pk=inst_a.pk).status == Institution.Status.ACTIVE


def test_the_console_offers_to_restore_only_archives_of_institutions_not_on_the_platform(
    operator: User, inst_a: Institution
) -> None:
    import io

    from services.storage.backends import get_storage

    storage = get_storage()
    ours, gone = "_archives/alpha/alpha-20260101000000.tar.gz", "_archives/gone/gone-20260101000000.tar.gz"
    for key in (ours, gone):
        storage.save(key, io.BytesIO(b"not an archive"))
    try:
        client = client_for(None, operator)
        assert "从归档恢复学校" in client.get("/").content.decode()
        page = client.get("/institutions/restore/").content.decode()
        assert gone in page and ours not in page
        response = client.post("/institutions/restore/", {"archive": gone, "confirmation": ""})
        assert "确认内容与学校代码不一致，未恢复。" in response.content.decode()
        assert not Institution.objects.filter(code="gone").exists()
    finally:
        storage.delete_prefix("_archives/alpha/")
        storage.delete_prefix("_archives/gone/")
