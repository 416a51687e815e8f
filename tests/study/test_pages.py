"""学习's pages and API through the test client: 我的学习, a material's page and its file with
range requests, the heartbeat API's refusals, reporting training, the managers' tables."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from services.study.heartbeat import study_open
from tenants.models import Institution
from tests.conftest import client_for

from .conftest import TEXT, World

pytestmark = pytest.mark.django_db


def test_my_study_shows_the_plan_and_the_hours_by_source(world: World, inst_a: Institution) -> None:
    page = client_for(inst_a, world.member).get(reverse("study:mine")).content.decode()
    assert "年度计划" in page and "党章原文" in page and "党课和主题党日" in page
    assert "依据：党员每年学习学时" in page


def test_the_material_page_carries_the_heartbeat_script(world: World, inst_a: Institution) -> None:
    page = client_for(inst_a, world.member).get(reverse("study:material", args=[world.material.pk])).content.decode()
    assert "study/study.js" in page and reverse("study-heartbeat") in page


def test_a_file_is_served_whole_or_by_range(world: World, inst_a: Institution) -> None:
    client = client_for(inst_a, world.member)
    url = reverse("study:material_file", args=[world.material.pk])
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == TEXT
    part = client.get(url, HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 10-19/{len(TEXT)}"
    assert b"".join(part.streaming_content) == TEXT[10:20]
    tail = client.get(url, HTTP_RANGE="bytes=-5")
    assert b"".join(tail.streaming_content) == TEXT[-5:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(TEXT)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(TEXT)}"


def test_the_heartbeat_api_counts_and_refuses_a_second_tab_in_chinese(world: World, inst_a: Institution) -> None:
    client = client_for(inst_a, world.member)
    opened = client.post(reverse("study-open"), {"material": world.material.pk}, content_type="application/json")
    assert opened.status_code == 201
    tab = opened.json()["tab"]
    beat = client.post(
        reverse("study-heartbeat"), {"material": world.material.pk, "tab": tab}, content_type="application/json"
    )
    assert beat.status_code == 200 and beat.json()["cap_seconds"] == 120
    study_open(acting_user=world.member, material_id=world.material.pk)  # the same material in another tab
    stale = client.post(
        reverse("study-heartbeat"), {"material": world.material.pk, "tab": tab}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "other_tab" and "另一个页面" in stale.json()["detail"]


def test_the_open_api_refuses_a_forged_or_unplanned_material(world: World, inst_a: Institution) -> None:
    client = client_for(inst_a, world.member)
    forged = client.post(reverse("study-open"), {"material": 987654}, content_type="application/json")
    assert forged.status_code == 400 and "没有这份学习资料" in forged.json()["detail"]
    unplanned = client.post(reverse("study-open"), {"material": world.other.pk}, content_type="application/json")
    assert unplanned.status_code == 400 and "学习计划" in unplanned.json()["detail"]


def test_a_member_reports_training_on_the_page_and_the_secretary_sees_it(world: World, inst_a: Institution) -> None:
    upload = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    upload.name = "证书.pdf"
    form = {
        "title": "党校培训",
        "organizer": "市委党校",
        "finished_on": "2026-01-05",
        "class_hours": "6",
        "certificate": upload,
    }
    done = client_for(inst_a, world.member).post(reverse("study:training"), form)
    assert done.status_code == 302
    queue = client_for(inst_a, world.secretary).get(reverse("study:review")).content.decode()
    assert "党校培训" in queue and "学员01" in queue
    api = client_for(inst_a, world.secretary).get(reverse("study-trainings")).json()
    assert [row["title"] for row in api] == ["党校培训"]


def test_a_wrong_certificate_is_refused_on_the_form(world: World, inst_a: Institution) -> None:
    upload = io.BytesIO("不是证书".encode() * 10)
    upload.name = "证书.txt"
    form = {
        "title": "党校培训",
        "organizer": "市委党校",
        "finished_on": "2026-01-05",
        "class_hours": "6",
        "certificate": upload,
    }
    page = client_for(inst_a, world.member).post(reverse("study:training"), form).content.decode()
    assert "结业证书只能是 PDF 文件或 JPG、PNG 图片。" in page


def test_managers_see_their_branch_table_members_are_refused(world: World, inst_a: Institution) -> None:
    table = client_for(inst_a, world.secretary).get(reverse("study:branches")).content.decode()
    assert "学习党支部" in table
    branch = client_for(inst_a, world.secretary).get(reverse("study:branch", args=[world.unit.pk])).content.decode()
    assert "学员03" in branch and "名次" not in branch
    assert client_for(inst_a, world.member).get(reverse("study:branches")).status_code == 403


def test_the_administrator_uploads_a_video_and_a_wrong_one_is_refused(world: World, inst_a: Institution) -> None:
    client = client_for(inst_a, world.admin)
    url = reverse("study:material_add", args=[world.material.course_id])
    fake = io.BytesIO("不是视频".encode() * 10)
    fake.name = "课程.mp4"
    refused = client.post(url, {"title": "视频", "kind": "video", "length_minutes": "20", "file": fake})
    assert "文件内容不是视频" in refused.content.decode()
    video = io.BytesIO(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64)
    video.name = "课程.mp4"
    done = client.post(url, {"title": "视频课", "kind": "video", "length_minutes": "20", "file": video})
    assert done.status_code == 302
    assert world.material.course.materials.filter(title="视频课", content_type="video/mp4").exists()
