"""In the browser: the header box shows results as you type (keyboard included), and a .docx
uploaded through the document library is found by a word inside it.

Uses tests/browser's live server and Chromium (see this package's conftest); the data the live
server reads is committed and removed afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from services.accounts.models import User
from services.search.backends import get_backend
from services.search.contract import IndexEntry
from tests.browser.conftest import TIMEOUT_MS, BrowserServer, sign_in
from tests.conftest import Institutions
from tests.factories import PASSWORD, UserFactory
from tests.platform.celery_worker import celery_worker, wait_until

pytestmark = pytest.mark.browser

ADMIN = "browser-search-admin"
ENTRY_ID = 987_654
OPENED = "/search/?q=%E8%BD%AC%E6%8E%A5%E5%B7%B2%E6%89%93%E5%BC%80"  # where the suggested entry leads


@pytest.fixture
def search_admin(_browser_env: None, institutions: Institutions) -> Iterator[str]:
    schema = institutions.a.schema_name
    with schema_context(schema):
        User.objects.filter(username=ADMIN).delete()
        UserFactory(username=ADMIN, is_superuser=True, is_staff=True)
    yield schema
    with schema_context(schema):
        User.objects.filter(username=ADMIN).delete()


@pytest.fixture
def indexed_notice(search_admin: str) -> Iterator[str]:
    backend = get_backend()
    entry = IndexEntry(
        kind="document",
        object_id=ENTRY_ID,
        title="关于组织关系转接的补充通知",
        body="各支部：毕业生党员的组织关系转接请于月底前完成。",
        url=OPENED,
        doc_type="notice",
    )
    with schema_context(search_admin):
        backend.upsert(schema=search_admin, entries=[entry])
        backend.refresh(schema=search_admin)
    yield entry.title
    with schema_context(search_admin):
        backend.delete(schema=search_admin, keys=[("document", ENTRY_ID)])


def test_header_box_suggests_as_you_type_and_the_keyboard_opens_a_result(
    page: Page,
    browser_server: BrowserServer,
    institutions: Institutions,
    indexed_notice: str,
    console_errors: list[str],
) -> None:
    page.goto(browser_server.url(institutions.a, "/accounts/login/?next=/"))
    sign_in(page, ADMIN, PASSWORD)
    box = page.locator("input[data-suggest]")
    box.fill("组织关系转")
    listbox = page.get_by_role("listbox")
    option = listbox.get_by_role("option").filter(has_text=indexed_notice)
    expect(option).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(option.locator("mark").first).to_have_text("组织关系转")
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(
        browser_server.url(institutions.a, "/search/?q=%E8%BD%AC%E6%8E%A5%E5%B7%B2%E6%89%93%E5%BC%80")
    )
    # The URL changes before the new page's script has run: typing earlier would go unheard.
    page.wait_for_load_state("load")
    page.locator("input[data-suggest]").fill("组织")
    expect(page.get_by_role("listbox")).to_be_visible()
    page.locator("input[data-suggest]").press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    assert not console_errors  # no CSP violation, no missing asset


# Not the word tests/browser/test_documents.py uploads: each test finds only its own document.
DISTINCTIVE_WORD = "蝶恋花青玉案"
TITLE = "浏览器上传后可搜索的学习资料"


@pytest.fixture
def uploaded_cleanup(search_admin: str) -> Iterator[None]:
    yield
    from services.documents.models import Document
    from services.storage.backends import get_storage

    with schema_context(search_admin):
        for document in Document.objects.filter(title=TITLE):
            for key in document.versions.values_list("storage_key", flat=True):
                get_storage().delete(key)
            get_backend().delete(schema=search_admin, keys=[("document", document.pk)])
            document.delete()


def test_an_uploaded_docx_is_found_by_a_word_inside_it(
    page: Page,
    browser_server: BrowserServer,
    institutions: Institutions,
    search_admin: str,
    uploaded_cleanup: None,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    from tests.documents.files import docx_bytes

    upload = tmp_path / "学习资料.docx"
    upload.write_bytes(docx_bytes("党支部学习材料", f"本次学习的关键词是{DISTINCTIVE_WORD}，请各位党员认真学习。"))
    page.goto(browser_server.url(institutions.a, "/accounts/login/?next=/documents/upload/"))
    sign_in(page, ADMIN, PASSWORD)
    with celery_worker():  # extraction, then the outbox drain, run on this worker
        page.set_input_files("input[type=file]", str(upload))
        page.get_by_label("类型").select_option("study")
        page.get_by_label("标题").fill(TITLE)
        page.get_by_role("button", name="上传", exact=True).click()
        expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=TIMEOUT_MS * 3)

        def searchable() -> bool:
            from services.search.backends import Query, Visibility

            with schema_context(search_admin):
                backend = get_backend()
                backend.refresh(schema=search_admin)
                query = Query(text=DISTINCTIVE_WORD, visibility=Visibility(everything=True))
                hits = backend.search(schema=search_admin, query=query).hits
                return [hit.title for hit in hits] == [TITLE]

        wait_until(searchable, timeout=120, what="the worker to extract the .docx and index its text")
    page.goto(browser_server.url(institutions.a, "/"))
    box = page.locator("input[data-suggest]")
    box.fill(DISTINCTIVE_WORD)
    expect(page.get_by_role("option").filter(has_text=TITLE)).to_be_visible()
    box.press("Enter")  # no option chosen: the search page
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.locator(".hit-snippet mark").first).to_have_text(DISTINCTIVE_WORD)
    assert not console_errors
