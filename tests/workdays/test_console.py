"""The console page of the working-day calendar: operators check and publish a year (replacing a
published one only when they confirm), everyone on the console can read and export, and the
console warns when next year's notice is due and not yet published."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from services.accounts.models import User
from services.audit.models import AuditEvent
from services.workdays.models import CalendarYear
from services.workdays.selectors import missing_next_year
from services.workdays.services import parse_csv, workdays_publish
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CONSOLE = "partycloud.urls_public"
PAGE = reverse("workdays:calendar", urlconf=CONSOLE)
SOURCE = "国务院办公厅关于2031年部分节假日安排的通知"
# 2031 starts on a Wednesday: 261 weekdays. 10-01..03 are Wednesday to Friday (three fewer), 09-28
# is a Sunday worked (one more): 259 working days.
ROWS_2031 = "2031-10-01,休,国庆节\n2031-10-02,休,国庆节\n2031-10-03,休,国庆节\n2031-09-28,班,国庆节\n"


def _post(client: object, action: str, rows: str = ROWS_2031, **extra: str) -> object:
    return client.post(PAGE, {"year": "2031", "source": SOURCE, "rows": rows, "action": action, **extra})  # type: ignore[attr-defined]


def test_checking_shows_the_year_and_publishes_nothing(operator: User) -> None:
    response = _post(client_for(None, operator), "check")
    body = response.content.decode()  # type: ignore[attr-defined]
    assert "2031 年：全年 259 个工作日" in body and "放假 3 天" in body and "调休上班 1 天" in body
    assert 'value="publish"' in body  # the publish button appears once checked
    assert not CalendarYear.objects.filter(year=2031).exists()


def test_an_uploaded_file_is_kept_in_the_text_box_for_the_publish_step(operator: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("2031.csv", ("day,kind,name\n" + ROWS_2031).encode("utf-8-sig"))
    client = client_for(None, operator)
    checked = client.post(PAGE, {"year": "2031", "source": SOURCE, "file": upload, "action": "check"})
    assert "2031-09-28,班,国庆节" in checked.content.decode()  # the file's lines, now in the text box
    assert not CalendarYear.objects.filter(year=2031).exists()


def test_publishing_writes_the_year_with_the_operator_audited(operator: User) -> None:
    response = _post(client_for(None, operator), "publish")
    assert response.status_code == 302  # type: ignore[attr-defined]
    published = CalendarYear.objects.get(year=2031)
    assert published.source == SOURCE and published.days.count() == 4 and published.published_by == operator.username
    assert AuditEvent.objects.filter(event="workdays.published", actor_username=operator.username).exists()


def test_a_published_year_is_replaced_only_when_confirmed(operator: User) -> None:
    workdays_publish(year=2031, entries=parse_csv(ROWS_2031), source=SOURCE)
    client = client_for(None, operator)
    correction = "2031-10-01,休,国庆节\n"
    refused = _post(client, "publish", rows=correction)
    assert refused.status_code == 200 and "请勾选确认替换" in refused.content.decode()  # type: ignore[attr-defined]
    assert CalendarYear.objects.get(year=2031).days.count() == 4
    assert _post(client, "publish", rows=correction, replace="on").status_code == 302  # type: ignore[attr-defined]
    assert CalendarYear.objects.get(year=2031).days.count() == 1


def test_a_bad_row_is_named_and_nothing_is_published(operator: User) -> None:
    response = _post(client_for(None, operator), "publish", rows="2031-10-01,休,国庆节\n2031-13-01,休,国庆节\n")
    body = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 200 and "第 2 行" in body and "2031-13-01" in body  # type: ignore[attr-defined]
    assert not CalendarYear.objects.filter(year=2031).exists()


def test_the_committee_reads_but_cannot_publish(committee_user: User) -> None:
    workdays_publish(year=2031, entries=parse_csv(ROWS_2031), source=SOURCE)
    client = client_for(None, committee_user)
    page = client.get(PAGE)
    assert page.status_code == 200 and SOURCE in page.content.decode() and 'name="rows"' not in page.content.decode()
    assert _post(client, "publish").status_code == 403  # type: ignore[attr-defined]


def test_the_export_re_imports_as_it_is(operator: User) -> None:
    entries = parse_csv(ROWS_2031)
    workdays_publish(year=2031, entries=entries, source=SOURCE)
    export = client_for(None, operator).get(reverse("workdays:calendar_csv", kwargs={"year": 2031}, urlconf=CONSOLE))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert sorted(parse_csv(export.content.decode()), key=lambda e: e.day) == sorted(entries, key=lambda e: e.day)
    missing = client_for(None, operator).get(reverse("workdays:calendar_csv", kwargs={"year": 2032}, urlconf=CONSOLE))
    assert missing.status_code == 404


def test_next_year_is_due_from_november_until_it_is_published() -> None:
    assert missing_next_year(date(2030, 10, 31)) is None
    assert missing_next_year(date(2030, 11, 1)) == 2031
    workdays_publish(year=2031, entries=parse_csv(ROWS_2031), source=SOURCE)
    assert missing_next_year(date(2030, 12, 31)) is None


def test_the_console_home_warns_when_next_year_is_missing(operator: User, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2030, 11, 20))
    home = client_for(None, operator).get("/").content.decode()
    assert "2031 年节假日安排尚未发布" in home
    workdays_publish(year=2031, entries=parse_csv(ROWS_2031), source=SOURCE)
    assert "2031 年节假日安排尚未发布" not in client_for(None, operator).get("/").content.decode()
