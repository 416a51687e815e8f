"""Minutes through the pages and the API: the recorder drafts, host and recorder confirm (a ticked
box on the page), finalized minutes are refused through every route with a Chinese message and
nothing changed, addenda are shown beside the original, and the PDFs hold the record's text."""

from __future__ import annotations

import io
import json
from typing import Any

import pypdf
import pytest
from django.test import Client

from services.orglife import minutes as service
from services.orglife.models import Meeting, Minutes, MinutesAttachment
from tenants.models import Institution
from tests.conftest import client_for, in_schema

from .conftest import Branch
from .test_d_minutes import filled, finalized, recorder_user  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _client(inst_a: Institution, user: Any) -> Client:
    return client_for(inst_a, user)


def _pdf_text(content: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_recorder_drafts_and_both_confirm_on_the_pages(branch: Branch, recorder_user, inst_a) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from .test_d_minutes import held

    meeting = held(branch, kind=Meeting.Kind.LIFE_MEETING)
    recorder = _client(inst_a, recorder_user)
    assert recorder.post(f"/orglife/minutes/{meeting.pk}/start/").status_code == 302
    minutes = Minutes.objects.get(meeting=meeting)
    page = recorder.get(f"/orglife/minutes/{meeting.pk}/edit/")
    assert page.status_code == 200 and "对照检查" in page.content.decode()
    form = {"section-topics": "年度组织生活会"} | {f"record-{s.pk}": f"记录{s.number}" for s in minutes.steps.all()}
    assert recorder.post(f"/orglife/minutes/{meeting.pk}/edit/", form).status_code == 302
    upload = io.BytesIO(PNG)
    upload.name = "现场照片.png"
    recorder.post(f"/orglife/minutes/{meeting.pk}/attach/", {"file": upload})
    assert MinutesAttachment.objects.filter(minutes=minutes, filename="现场照片.png").exists()
    # Without the box ticked nothing is confirmed.
    recorder.post(f"/orglife/minutes/{meeting.pk}/finalize/", {})
    assert Minutes.objects.get(pk=minutes.pk).recorder_confirmed_at is None
    recorder.post(f"/orglife/minutes/{meeting.pk}/finalize/", {"confirm": "yes"})
    host = _client(inst_a, branch.secretary)
    shown = host.get(f"/orglife/minutes/{meeting.pk}/finalize/").content.decode()
    assert "已确认" in shown and "未确认" in shown
    host.post(f"/orglife/minutes/{meeting.pk}/finalize/", {"confirm": "yes"})
    assert Minutes.objects.get(pk=minutes.pk).status == Minutes.Status.FINALIZED


def test_finalized_minutes_are_refused_on_the_pages(branch: Branch, recorder_user, inst_a) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    minutes = finalized(branch, recorder_user)
    pk = minutes.meeting_id
    client = _client(inst_a, recorder_user)
    response = client.post(f"/orglife/minutes/{pk}/edit/", {"section-topics": "改写"}, follow=True)
    assert "已定稿" in response.content.decode()
    upload = io.BytesIO(PNG)
    upload.name = "后补.png"
    response = client.post(f"/orglife/minutes/{pk}/attach/", {"file": upload}, follow=True)
    assert "已定稿" in response.content.decode()
    assert minutes.sections.get(code="topics").text == "开展批评和自我批评"
    assert not MinutesAttachment.objects.filter(minutes=minutes).exists()


def test_an_attachment_of_finalized_minutes_cannot_be_deleted(branch: Branch, recorder_user, inst_a) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    minutes = filled(branch, recorder_user)
    attachment = service.minutes_attach(
        acting_user=recorder_user, minutes=minutes, stream=io.BytesIO(PNG), filename="合影.png"
    )
    service.minutes_finalize(acting_user=recorder_user, minutes=minutes)
    service.minutes_finalize(acting_user=branch.secretary, minutes=minutes)
    client = _client(inst_a, recorder_user)
    response = client.post(f"/orglife/minutes/attachments/{attachment.pk}/delete/", follow=True)
    assert "已定稿" in response.content.decode()
    assert MinutesAttachment.objects.filter(pk=attachment.pk).exists()
    assert client.get(f"/orglife/minutes/attachments/{attachment.pk}/").status_code == 200


def test_finalized_minutes_are_refused_through_the_api(branch: Branch, recorder_user, inst_a) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    minutes = finalized(branch, recorder_user)
    client = _client(inst_a, recorder_user)
    url = f"/api/meeting-minutes/{minutes.meeting_id}/"
    read = client.get(url).json()
    assert read["status"] == "finalized" and read["sections"][0]["code"] == "topics"
    response = client.patch(url, json.dumps({"sections": {"topics": "改写"}}), content_type="application/json")
    assert response.status_code == 400 and "已定稿" in response.content.decode()
    again = client.post(f"{url}finalize/")
    assert again.status_code == 400 and "已定稿" in again.content.decode()
    assert minutes.sections.get(code="topics").text == "开展批评和自我批评"


def test_the_api_drafts_finalizes_and_adds_an_addendum(branch: Branch, recorder_user, inst_a) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from .test_d_minutes import held

    meeting = held(branch, recorder=None)
    client = _client(inst_a, branch.secretary)
    url = f"/api/meeting-minutes/{meeting.pk}/"
    assert client.get(url).status_code == 404  # not started yet
    started = client.patch(url, json.dumps({"sections": {"topics": "议题"}}), content_type="application/json")
    assert started.status_code == 200 and started.json()["sections"][0]["text"] == "议题"
    refused = client.post(f"{url}finalize/")
    assert refused.status_code == 400 and "会议未指定记录人，不能定稿" in refused.content.decode()
    done = finalized(branch, recorder_user)
    added = client.post(
        f"/api/meeting-minutes/{done.meeting_id}/addenda/",
        json.dumps({"text": "更正"}),
        content_type="application/json",
    )
    assert added.status_code == 201 and client.get(f"/api/meeting-minutes/{done.meeting_id}/").json()["addenda"]


def test_an_addendum_is_shown_beside_the_original(branch: Branch, recorder_user, inst_a) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    minutes = finalized(branch, recorder_user)
    client = _client(inst_a, recorder_user)
    client.post(f"/orglife/minutes/{minutes.meeting_id}/addenda/", {"text": "第三项决议补充：限期一个月"})
    page = client.get(f"/orglife/minutes/{minutes.meeting_id}/").content.decode()
    assert 'id="addenda"' in page and "第三项决议补充：限期一个月" in page and "开展批评和自我批评" in page
    assert page.index("开展批评和自我批评") < page.index("第三项决议补充")


def test_the_meeting_pdf_holds_the_record(branch: Branch, recorder_user, inst_a) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    minutes = finalized(branch, recorder_user)
    service.minutes_addendum_add(acting_user=recorder_user, minutes=minutes, text="补充：会议时间更正")
    response = _client(inst_a, recorder_user).get(f"/orglife/minutes/{minutes.meeting_id}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    pages, text = _pdf_text(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert pages >= 1
    for expected in ("组织生活会", "开展批评和自我批评", "批评与自我批评", "应到", "补充：会议时间更正", "已定稿"):
        assert expected in text


def test_the_year_pdf_has_each_meeting(branch: Branch, recorder_user, inst_a) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    first = finalized(branch, recorder_user)
    filled(branch, recorder_user, kind=Meeting.Kind.MEMBER_MEETING)
    year = first.meeting.starts_at.year
    response = _client(inst_a, branch.secretary).get(f"/orglife/minutes/branches/{branch.unit.pk}/{year}/pdf/")
    pages, text = _pdf_text(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert pages >= 3  # the cover and one page (at least) per meeting
    assert "共 2 次会议" in text and "支部党员大会" in text


def test_a_member_not_on_the_list_does_not_see_the_minutes(branch: Branch, recorder_user, inst_a) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from tests.conftest import make_user
    from tests.factories import MemberFactory, OrgUnitFactory

    minutes = finalized(branch, recorder_user)
    with in_schema(inst_a):
        outsider = make_user(inst_a, username="ol_outsider")
        MemberFactory(branch=OrgUnitFactory(name="别的支部"), user=outsider)
    assert _client(inst_a, outsider).get(f"/orglife/minutes/{minutes.meeting_id}/").status_code == 404


def test_orglife_registers_no_admin() -> None:
    """The Django admin is not installed: there is no admin route to edit minutes through."""
    from django.conf import settings

    assert "django.contrib.admin" not in settings.INSTALLED_APPS
