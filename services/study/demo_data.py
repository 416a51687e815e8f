"""Demo data of study: a course with a text material and the year's plans (all members; secretaries
and committee members), a past party lecture the demo member attended (organizational life
records it; study reads it), a quarter of an hour the demo member has already studied online,
and an external training they reported for the secretary to review. Idempotent: nothing is added
once the course exists.

Written through the services where an actor is needed (the institution's first administrator),
except the lecture's presence and the online minutes, which check-in and heartbeats would have
recorded.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from services.accounts.models import User
from services.members.models import Member
from services.orglife.models import Attendee, Meeting
from services.orglife.services import meeting_create

from .models import Course, Material, Plan, Progress
from .services import course_create, material_add, plan_save
from .trainings import training_report

COURSE = "学习贯彻党的二十大精神"
TEXT = (
    "学习贯彻党的二十大精神\n\n"
    "一、深刻领会党的二十大的主题。\n二、深刻领会过去五年的工作和新时代十年的伟大变革。\n"
    "三、深刻领会中国式现代化的中国特色和本质要求。\n四、深刻领会全面从严治党的部署要求。\n"
) * 20


def _png() -> bytes:
    """A one-pixel PNG (the demo's certificate photo)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xcc\x00\x00"))
        + chunk(b"IEND", b"")
    )


def seed_institution(*, institution: Any, rng: random.Random) -> None:
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None or Course.objects.filter(title=COURSE).exists():
        return
    course = course_create(acting_user=admin, title=COURSE, description="党员学习必修课程")
    reading = material_add(
        acting_user=admin,
        course=course,
        title="党的二十大报告学习辅导（节选）",
        kind=Material.Kind.DOCUMENT,
        length_minutes=90,
        upload=io.BytesIO(TEXT.encode()),
        filename="二十大报告学习辅导.txt",
    )
    year = timezone.localdate().year
    plan_save(
        acting_user=admin, year=year, group=Plan.Group.MEMBERS, title=f"{year} 年党员学习计划", materials=[reading]
    )
    plan_save(
        acting_user=admin,
        year=year,
        group=Plan.Group.CADRES,
        title=f"{year} 年支部书记和支委学习计划",
        materials=[reading],
    )
    _demo_member(reading, year)


def _demo_member(reading: Material, year: int) -> None:
    user = User.objects.filter(username="member").first()
    member = Member.objects.filter(user=user).select_related("branch").first() if user else None
    if user is None or member is None:
        return
    starts = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=2, hours=3)
    if starts.year != year:
        starts = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0)
    lecture = meeting_create(
        acting_user=None,
        unit=member.branch,
        kind=Meeting.Kind.LECTURE,
        topic="党课：学习贯彻党的二十大精神",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="党员活动室",
        lecturer="党委书记",
    )
    Attendee.objects.filter(meeting=lecture, member=member).update(
        checked_in_at=starts - timedelta(minutes=5), checkin_method=Attendee.Method.MANUAL
    )
    Progress.objects.get_or_create(
        user=user,
        material=reading,
        year=year,
        defaults={"cap_seconds": reading.length_minutes * 60, "credited_seconds": 15 * 60},
    )
    training_report(
        acting_user=user,
        title="市委党校党员培训班",
        organizer="市委党校",
        finished_on=max(date(year, 1, 1), timezone.localdate() - timedelta(days=1)),
        class_hours=8,
        certificate=io.BytesIO(_png()),
        certificate_name="结业证书.png",
    )
