"""The console's dead letters: operators see the background tasks given up after repeated
interruptions (when, institution, kind in Chinese, attempts, reason) and queue one again with a
fresh count; the retry puts its item back, is audited, and publishes only after the commit."""

from __future__ import annotations

import io
import re
from typing import Any
from unittest import mock

from django.urls import reverse

from console import audit_events as console_events
from services.accounts.models import User
from services.audit.models import AuditEvent
from services.documents import services as documents
from services.documents.models import Document, DocumentVersion
from services.documents.tasks import extract_version
from tenants.deliveries import delivery_begin
from tenants.models import Institution, TaskDelivery
from tests.conftest import client_for, in_schema
from tests.factories import UserFactory
from tests.support.media import private_media  # noqa: F401 (fixture: files of this test stay private)

E = DocumentVersion.Extraction
URLCONF = "partycloud.urls_public"


def _given_up_extraction(inst: Institution) -> tuple[DocumentVersion, TaskDelivery]:
    """A version whose extraction was delivered four times and given up (as a worker does)."""
    with in_schema(inst):
        admin = UserFactory(username="dl_admin", is_superuser=True)
        document = documents.document_create(
            acting_user=admin,
            kind=Document.Kind.STUDY,
            title="死信",
            upload=io.BytesIO("正文".encode()),
            filename="a.txt",
        )
        version = document.current_version
        assert version is not None
        for _delivery in range(4):
            ticket = delivery_begin(
                task_name=extract_version.name,
                args=(inst.schema_name, version.pk),
                kwargs={},
                schema_name=inst.schema_name,
                max_deliveries=3,
                redelivered=False,
            )
        assert ticket.given_up
    extract_version.abandon(inst.schema_name, version.pk)  # what the fourth delivery does (from public)
    with in_schema(inst):
        version.refresh_from_db()
    return version, TaskDelivery.objects.get(key=ticket.key)


def _page(user: User) -> Any:
    return client_for(None, user).get(reverse("console:dead_letters", urlconf=URLCONF))


def test_operators_see_what_was_given_up_in_chinese(operator: User, inst_a: Institution) -> None:
    version, row = _given_up_extraction(inst_a)
    assert version.extraction_status == E.FAILED and "多次处理中断" in version.extraction_error
    page = _page(operator).content.decode()
    assert inst_a.name in page and "提取文档文字" in page and "已停止重试" in page
    assert f"<td>{row.deliveries}</td>" in page and "上次执行被中断" in page
    assert reverse("console:dead_letter_retry", urlconf=URLCONF, kwargs={"pk": row.pk}) in page
    assert "data-confirm" in page  # the retry asks first
    home = client_for(None, operator).get("/").content.decode()
    assert re.search(r"有 \d+ 个后台任务多次执行未成功", home)


def test_only_operators_open_the_dead_letters(committee_user: User, inst_a: Institution) -> None:
    _version, row = _given_up_extraction(inst_a)
    assert _page(committee_user).status_code == 403
    retry = reverse("console:dead_letter_retry", urlconf=URLCONF, kwargs={"pk": row.pk})
    assert client_for(None, committee_user).post(retry).status_code == 403
    row.refresh_from_db()
    assert row.state == TaskDelivery.State.DEAD


def test_a_retry_revives_the_item_resets_the_count_is_audited_and_publishes_after_commit(
    operator: User, inst_a: Institution, django_capture_on_commit_callbacks: Any
) -> None:
    version, row = _given_up_extraction(inst_a)
    retry = reverse("console:dead_letter_retry", urlconf=URLCONF, kwargs={"pk": row.pk})
    with mock.patch("tenants.queueing.publish") as publish:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client_for(None, operator).post(retry)
        publish.assert_not_called()  # not before the commit
        for callback in callbacks:
            callback()
    assert response.status_code == 302
    publish.assert_called_once_with(extract_version, [inst_a.schema_name, version.pk], None)
    row.refresh_from_db()
    assert (row.state, row.deliveries, row.last_error) == (TaskDelivery.State.QUEUED, 0, "")
    with in_schema(inst_a):
        version.refresh_from_db()
        assert (version.extraction_status, version.extraction_error) == (E.PENDING, "")
    audit = AuditEvent.objects.get(event=console_events.TASK_RETRIED)
    assert audit.actor_username == operator.username and audit.object_id == str(row.pk)
    assert audit.before["deliveries"] == 4 and audit.detail["task"] == extract_version.name
    # Asked twice (a double click): the second finds nothing to retry and changes nothing.
    again = client_for(None, operator).post(retry, follow=True)
    assert "已在重新执行" in again.content.decode()
    assert AuditEvent.objects.filter(event=console_events.TASK_RETRIED).count() == 1
