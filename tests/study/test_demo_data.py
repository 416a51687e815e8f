"""The demo data of study: a course and this year's plans; the demo member attended a party lecture
(so 我的学习 shows it in their hours), has studied part of the material, and reported a training
the secretary reviews; a second run adds nothing."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from services.study.demo_data import seed_institution
from services.study.models import Course, Training
from services.study.selectors import my_study
from tenants.models import Institution
from tests.conftest import in_schema, make_user
from tests.factories import MemberFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def test_the_demo_member_sees_their_hours_including_a_lecture(inst_a: Institution) -> None:
    make_user(inst_a, username="st_demo_admin", is_superuser=True)
    demo = make_user(inst_a, username="member")
    with in_schema(inst_a):
        MemberFactory(branch=OrgUnitFactory(name="演示支部"), user=demo)
        seed_institution(institution=inst_a, rng=random.Random(0))
        study = my_study(user=demo, year=timezone.localdate().year)
        assert [plan.group for plan in study.plans] == ["members"]
        assert [row.minutes for row in study.materials] == [15]
        assert [row.meeting.topic for row in study.lectures] == ["党课：学习贯彻党的二十大精神"]
        assert study.hours is not None and study.hours.lecture_minutes == 120 and study.hours.online_minutes == 15
        assert Training.objects.filter(member__user=demo, status=Training.Status.PENDING).count() == 1
        seed_institution(institution=inst_a, rng=random.Random(1))
        assert Course.objects.count() == 1
