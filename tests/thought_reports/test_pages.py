"""The pages and the API, as the people use them: the activist writes and submits on the phone
page, the contact person returns it with a note, the activist sees the note and revises; the
secretary accepts; the API refuses what the service refuses."""

from __future__ import annotations

import pytest

from services.thought_reports.models import Note, Report
from tenants.models import Institution
from tests.conftest import client_for

from .conftest import People

pytestmark = pytest.mark.django_db


def test_an_activist_submits_a_report_and_the_contact_person_returns_it_with_a_note(
    inst_a: Institution, people: People
) -> None:
    activist, contact = client_for(inst_a, people.activist), client_for(inst_a, people.contact)
    page = activist.get("/reports/")
    assert page.status_code == 200 and "我的应交日期" in page.content.decode()
    sent = activist.post("/reports/new/", {"title": "第一季度思想汇报", "body": "学习党章的体会。", "submit": "1"})
    report = Report.objects.get(author=people.activist)
    assert sent.status_code == 302 and report.status == Report.Status.CONTACT
    queue = contact.get("/reports/queue/").content.decode()
    assert "第一季度思想汇报" in queue
    detail = contact.get(f"/reports/{report.pk}/").content.decode()
    assert "培养联系人审阅" in detail
    contact.post(f"/reports/{report.pk}/review/", {"accept": "0", "note": "请结合实际谈体会"})
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    mine = activist.get(f"/reports/{report.pk}/edit/").content.decode()
    assert "请结合实际谈体会" in mine
    activist.post(f"/reports/{report.pk}/edit/", {"title": "第一季度思想汇报", "body": "修改稿。", "submit": "1"})
    report.refresh_from_db()
    assert report.status == Report.Status.CONTACT and report.revision == 1


def test_a_stranger_finds_nothing_and_an_accepted_report_cannot_be_edited_through_the_api(
    inst_a: Institution, people: People
) -> None:
    activist = client_for(inst_a, people.activist)
    made = activist.post(
        "/api/thought-reports/", {"title": "汇报", "body": "内容", "submit": True}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    stranger = client_for(inst_a, people.stranger)
    assert stranger.get(f"/reports/{pk}/").status_code == 404
    assert stranger.get(f"/api/thought-reports/{pk}/").status_code == 404
    contact = client_for(inst_a, people.contact)
    refused = contact.patch(f"/api/thought-reports/{pk}/", {"body": "代写"}, content_type="application/json")
    assert refused.status_code == 403 and "本人" in refused.json()["detail"]
    empty = contact.post(f"/api/thought-reports/{pk}/review/", {"accept": False}, content_type="application/json")
    assert empty.status_code == 400 and "退回时请写明" in str(empty.json())
    contact.post(f"/api/thought-reports/{pk}/review/", {"accept": True}, content_type="application/json")
    secretary = client_for(inst_a, people.secretary)
    done = secretary.post(f"/api/thought-reports/{pk}/review/", {"accept": True}, content_type="application/json")
    assert done.json()["status"] == "accepted"
    edit = activist.patch(f"/api/thought-reports/{pk}/", {"body": "改"}, content_type="application/json")
    assert edit.status_code == 400 and "已通过审阅，不能再修改" in edit.json()["detail"]
    assert Report.objects.get(pk=pk).body == "内容"
    assert Note.objects.filter(report_id=pk).count() == 2
    dates = activist.get("/api/thought-reports/due-dates/").json()
    assert any(row["report"] == pk for row in dates)
