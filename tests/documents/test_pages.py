"""The document pages and API: a bounded number of queries on the library, upload with JSON for
the progress-bar script, preview and download, delete with confirmation, console publishing."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.accounts.models import User
from services.documents import services
from services.documents.models import Document
from services.storage.backends import get_storage
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.documents.conftest import World
from tests.documents.files import PE_EXECUTABLE, pdf_bytes

CONSOLE = "partycloud.urls_public"


def _docs(world: World, count: int, *, start: int = 0) -> None:
    for i in range(start, start + count):
        services.document_create(
            acting_user=world.admin,
            kind=Document.Kind.STUDY if i % 2 else Document.Kind.NOTICE,
            title=f"文件{i}",
            upload=io.BytesIO(f"内容{i}".encode()),
            filename=f"f{i}.txt",
            tags=[f"标签{i % 3}"],
            scope_unit=world.tree.branch_x if i % 3 else None,
            requires_signoff=bool(i % 2 == 0),
        )


def _library_queries(inst: Institution, user: User) -> int:
    client = client_for(inst, user)
    client.get(reverse("documents:library"))  # warm caches (route, session)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("documents:library"))
    assert response.status_code == 200
    return len(queries)


def test_the_library_costs_the_same_queries_for_5_and_30_documents(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        _docs(world, 5)
    few = _library_queries(inst_a, world.member_x)
    with in_schema(inst_a):
        _docs(world, 25, start=5)
    many = _library_queries(inst_a, world.member_x)
    assert few == many
    assert many <= 15


def test_the_library_filters_by_kind_tag_and_unit(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        _docs(world, 6)
    client = client_for(inst_a, world.admin)
    url = reverse("documents:library")
    body = client.get(url, {"kind": "study"}).content.decode()
    assert "文件1<" in body and "文件0<" not in body
    body = client.get(url, {"tag": "标签2"}).content.decode()
    assert "文件2<" in body and "文件5<" in body and "文件1<" not in body
    body = client.get(url, {"unit": world.tree.branch_x.pk}).content.decode()
    assert "文件1<" in body and "文件0<" not in body


def test_upload_by_script_answers_json_with_the_detail_url_or_the_errors(inst_a: Institution, world: World) -> None:
    client = client_for(inst_a, world.secretary_x)
    xhr = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
    ok = client.post(
        reverse("documents:upload"),
        {
            "kind": "minutes",
            "title": "支委会纪要",
            "scope_unit": world.tree.branch_x.pk,
            "file": SimpleUploadedFile("纪要.pdf", pdf_bytes("minutes")),
        },
        **xhr,
    )
    assert ok.status_code == 200 and ok.json()["ok"] is True
    refused = client.post(
        reverse("documents:upload"),
        {
            "kind": "minutes",
            "title": "病毒",
            "scope_unit": world.tree.branch_x.pk,
            "file": SimpleUploadedFile("纪要.pdf", PE_EXECUTABLE),
        },
        **xhr,
    )
    assert refused.status_code == 400 and "可执行文件" in refused.json()["errors"]["file"][0]
    with in_schema(inst_a):
        assert list(Document.objects.values_list("title", flat=True)) == ["支委会纪要"]


def test_members_cannot_open_the_upload_page(inst_a: Institution, world: World) -> None:
    assert client_for(inst_a, world.member_x).get(reverse("documents:upload")).status_code == 403


def test_preview_is_inline_for_pdf_and_download_is_an_attachment(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        document = services.document_create(
            acting_user=world.admin, kind="study", title="PDF", upload=io.BytesIO(pdf_bytes("x")), filename="a.pdf"
        )
    client = client_for(inst_a, world.member_x)
    url = reverse("documents:file", kwargs={"pk": document.pk, "number": 1})
    preview = client.get(url, {"inline": "1"})
    assert preview["Content-Type"] == "application/pdf" and preview["Content-Disposition"].startswith("inline")
    assert "sandbox" in preview["Content-Security-Policy"]
    download = client.get(url)
    assert download["Content-Disposition"].startswith("attachment")


def test_gb18030_text_previews_as_utf8(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        document = services.document_create(
            acting_user=world.admin,
            kind="study",
            title="GB",
            upload=io.BytesIO("国标文本".encode("gb18030")),
            filename="a.txt",
        )
    preview = client_for(inst_a, world.member_x).get(
        reverse("documents:file", kwargs={"pk": document.pk, "number": 1}), {"inline": "1"}
    )
    assert preview["Content-Type"] == "text/plain; charset=utf-8" and preview.content.decode() == "国标文本"


def test_delete_asks_for_the_title_then_removes_the_document_and_its_files(
    inst_a: Institution, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with in_schema(inst_a):
        document = services.document_create(
            acting_user=world.secretary_x,
            kind="study",
            title="待删除",
            upload=io.BytesIO(b"x"),
            filename="x.txt",
            scope_unit=world.tree.branch_x,
        )
        key = document.current_version.storage_key  # type: ignore[union-attr]
    client = client_for(inst_a, world.secretary_x)
    url = reverse("documents:delete", kwargs={"pk": document.pk})
    assert "请输入文件标题以确认" in client.get(url).content.decode()
    client.post(url, {"confirm_title": "别的"})
    with in_schema(inst_a):
        assert Document.objects.filter(pk=document.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm_title": "待删除"})
    assert response.status_code == 302
    with in_schema(inst_a):
        assert not Document.objects.filter(pk=document.pk).exists()
    assert not get_storage().exists(key)


def test_detail_shows_versions_and_restore_for_managers_only(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        document = services.document_create(
            acting_user=world.admin, kind="study", title="多版本", upload=io.BytesIO(b"1"), filename="v.txt"
        )
        services.document_version_add(
            document=document, acting_user=world.admin, upload=io.BytesIO(b"2"), filename="v.txt"
        )
    url = reverse("documents:detail", kwargs={"pk": document.pk})
    admin_page = client_for(inst_a, world.admin).get(url).content.decode()
    assert "v1" in admin_page and "v2" in admin_page and "恢复此版本" in admin_page
    member_page = client_for(inst_a, world.member_x).get(url).content.decode()
    assert "v1" in member_page and "恢复此版本" not in member_page
    client_for(inst_a, world.admin).post(reverse("documents:restore", kwargs={"pk": document.pk, "number": 1}))
    with in_schema(inst_a):
        assert Document.objects.get(pk=document.pk).version_count == 3


def test_the_api_creates_lists_versions_and_signs(inst_a: Institution, world: World) -> None:
    admin = client_for(inst_a, world.admin)
    created = admin.post(
        reverse("document-list"),
        {
            "kind": "notice",
            "title": "接口通知",
            "tags": "接口,测试",
            "requires_signoff": "true",
            "file": SimpleUploadedFile("n.txt", "请签收".encode()),
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["tags"] == ["接口", "测试"] and created.json()["versions"][0]["number"] == 1
    version = admin.post(reverse("document-versions", kwargs={"pk": pk}), {"file": SimpleUploadedFile("n.txt", b"v2")})
    assert version.status_code == 201 and version.json()["number"] == 2
    member = client_for(inst_a, world.member_x)
    assert [row["id"] for row in member.get(reverse("document-list")).json()["results"]] == [pk]
    assert member.post(reverse("document-sign", kwargs={"pk": pk})).status_code == 200
    file = member.get(reverse("document-file", kwargs={"pk": pk, "number": 2}))
    assert b"".join(file.streaming_content) == b"v2"  # type: ignore[attr-defined]
    refused = member.post(
        reverse("document-list"), {"kind": "notice", "title": "x", "file": SimpleUploadedFile("n.txt", b"x")}
    )
    assert refused.status_code == 403


def test_the_committee_publishes_on_the_console(committee_user: User, inst_a: Institution) -> None:
    client = client_for(None, committee_user)
    response = client.post(
        reverse("documents:console_list", urlconf=CONSOLE),
        {"kind": "notice", "title": "全市自查通知", "file": SimpleUploadedFile("n.txt", "请各校自查".encode())},
    )
    assert response.status_code == 302
    with in_schema("public"):
        document = Document.objects.get(title="全市自查通知")
    assert "全市自查通知" in client.get(reverse("documents:console_list", urlconf=CONSOLE)).content.decode()
    detail = client.get(reverse("documents:console_detail", kwargs={"pk": document.pk}, urlconf=CONSOLE))
    assert detail.status_code == 200
