"""A university admin imports a roster in the browser and finds the people in the roster:
upload -> the worker validates (progress) -> preview -> confirm -> the worker commits -> roster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import Dialog, Page, expect

from services.members.models import ImportJob, Member
from services.organization.models import OrgUnit
from services.organization.services import org_unit_create
from services.storage.backends import get_storage
from tests.browser.conftest import TIMEOUT_MS, BrowserServer, sign_in
from tests.conftest import Institutions
from tests.factories import PASSWORD, UserFactory
from tests.members.test_import import row, xlsx
from tests.platform.celery_worker import celery_worker

pytestmark = pytest.mark.browser

BRANCH = "浏览器导入测试支部"
ADMIN = "browser-import-admin"
NAMES = ("欧阳浏览", "司马导入")


@pytest.fixture
def import_world(_browser_env: None, institutions: Institutions) -> Iterator[str]:
    """A committed branch and administrator in institution A; removed afterwards."""
    schema = institutions.a.schema_name
    with schema_context(schema):
        committee = org_unit_create(name="浏览器导入测试党委", kind=OrgUnit.Kind.COMMITTEE)
        org_unit_create(name=BRANCH, kind=OrgUnit.Kind.BRANCH, parent=committee)
        UserFactory(username=ADMIN, is_superuser=True, is_staff=True)
    yield schema
    with schema_context(schema):
        for job in ImportJob.objects.filter(created_by__username=ADMIN):
            get_storage().delete_prefix(job.file_key.rsplit("/", 1)[0])
            job.delete()
        Member.objects.filter(branch__name=BRANCH).delete()
        OrgUnit.objects.filter(name=BRANCH).delete()
        OrgUnit.objects.filter(name="浏览器导入测试党委").delete()


def test_admin_imports_a_roster_and_finds_the_members_in_it(
    page: Page, browser_server: BrowserServer, institutions: Institutions, import_world: str, tmp_path: Path
) -> None:
    roster = tmp_path / "名册.xlsx"
    roster.write_bytes(xlsx([row(姓名=name, 所在支部=BRANCH) for name in NAMES]))
    questions: list[str] = []

    def answer(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)  # the data-confirm question before the commit

    page.goto(browser_server.url(institutions.a, "/accounts/login/?next=/members/import/"))
    sign_in(page, ADMIN, PASSWORD)
    with celery_worker():  # the upload view's .delay() reaches this worker
        page.set_input_files("input[type=file]", str(roster))
        page.get_by_role("button", name="上传并校验").click()
        # The page polls the job and reloads itself once the worker has validated the file.
        expect(page.get_by_role("heading", name="校验通过")).to_be_visible(timeout=90_000)
        expect(page.locator(".stat").first).to_contain_text("2")
        page.get_by_role("button", name="确认导入").click()
        expect(page.get_by_role("heading", name="导入完成")).to_be_visible(timeout=90_000)
    assert len(questions) == 1 and questions[0]  # asked once, in words, before committing

    page.goto(browser_server.url(institutions.a, "/members/?q=欧阳"))
    expect(page.get_by_text(NAMES[0]).first).to_be_visible(timeout=TIMEOUT_MS)
    page.goto(browser_server.url(institutions.a, "/members/?q=司马"))
    expect(page.get_by_text(NAMES[1]).first).to_be_visible(timeout=TIMEOUT_MS)
    with schema_context(import_world):
        assert set(Member.objects.filter(branch__name=BRANCH).values_list("name", flat=True)) == set(NAMES)
