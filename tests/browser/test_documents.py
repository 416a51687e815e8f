"""An institution admin uploads a .docx in the browser (drag-and-drop form, XHR with progress),
the real worker extracts its text, and the document is in the library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from services.accounts.models import User
from services.documents.models import Document, DocumentVersion
from services.search.backends import get_backend
from services.storage.backends import get_storage
from tests.browser.conftest import TIMEOUT_MS, BrowserServer, NewContext, sign_in
from tests.conftest import Institutions
from tests.documents.files import docx_bytes
from tests.factories import PASSWORD, UserFactory
from tests.platform.celery_worker import celery_worker, wait_until

pytestmark = pytest.mark.browser

ADMIN = "browser-docs-admin"
TITLE = "浏览器上传的学习资料"
# A word only the .docx's text holds (not the title or description): the test checks extraction found it.
DISTINCTIVE_WORD = "鹊桥仙踏莎行"


@pytest.fixture
def docs_admin(_browser_env: None, institutions: Institutions) -> Iterator[str]:
    schema = institutions.a.schema_name
    with schema_context(schema):
        User.objects.filter(username=ADMIN).delete()
        UserFactory(username=ADMIN, is_superuser=True, is_staff=True)
    yield schema
    with schema_context(schema):
        for document in Document.objects.filter(title=TITLE):
            for key in document.versions.values_list("storage_key", flat=True):
                get_storage().delete(key)
            # The worker indexed it: leave no entry behind for the search tests that run later.
            get_backend().delete(schema=schema, keys=[("document", document.pk)])
            document.delete()
        User.objects.filter(username=ADMIN).delete()


def test_admin_uploads_a_docx_and_finds_it_in_the_library_after_extraction(
    page: Page,
    browser_server: BrowserServer,
    institutions: Institutions,
    docs_admin: str,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    upload = tmp_path / "学习资料.docx"
    upload.write_bytes(docx_bytes("党支部学习材料", f"本次学习的关键词是{DISTINCTIVE_WORD}，请各位党员认真学习。"))

    page.goto(browser_server.url(institutions.a, "/accounts/login/?next=/documents/upload/"))
    sign_in(page, ADMIN, PASSWORD)
    with celery_worker():  # the upload's on-commit .delay() reaches this worker
        page.set_input_files("input[type=file]", str(upload))
        page.get_by_label("类型").select_option("study")
        page.get_by_label("标题").fill(TITLE)
        page.get_by_role("button", name="上传", exact=True).click()
        expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=TIMEOUT_MS * 3)

        def extracted() -> bool:
            with schema_context(docs_admin):
                return DocumentVersion.objects.filter(document__title=TITLE, extraction_status="done").exists()

        wait_until(extracted, timeout=120, what="the worker to extract the uploaded .docx")
    page.reload()
    expect(page.locator("[data-extraction]")).to_have_attribute("data-extraction", "done")
    page.goto(browser_server.url(institutions.a, "/documents/"))
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    with schema_context(docs_admin):
        assert DISTINCTIVE_WORD in DocumentVersion.objects.get(document__title=TITLE).text
    assert not console_errors  # no CSP violation, no missing asset


PHONE = {"width": 390, "height": 844}


def test_the_document_pages_fit_a_phone_screen(
    new_context: NewContext,
    browser_server: BrowserServer,
    institutions: Institutions,
    docs_admin: str,
    tmp_path: Path,
) -> None:
    import io

    from services.documents.services import document_create

    with schema_context(docs_admin):
        admin = User.objects.get(username=ADMIN)
        document = document_create(
            acting_user=admin,
            kind=Document.Kind.NOTICE,
            title=TITLE,
            description="一份很长的说明：" + "请各党支部认真组织学习，" * 10,
            tags=["主题教育", "组织生活会", "2026年度"],
            requires_signoff=True,
            upload=io.BytesIO(docx_bytes("手机版面")),
            filename="一个相当长的文件名用来检查手机上的换行效果_2026年度组织生活会通知.docx",
        )
    context = new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(browser_server.url(institutions.a, "/accounts/login/?next=/documents/"))
    sign_in(page, ADMIN, PASSWORD)
    for path in ("/documents/", f"/documents/{document.pk}/", "/documents/upload/"):
        page.goto(browser_server.url(institutions.a, path))
        expect(page.locator("h1").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(tmp_path / f"phone{path.replace('/', '_')}.png"), full_page=True)
        assert width <= PHONE["width"], f"{path} is {width}px wide on a {PHONE['width']}px screen"
