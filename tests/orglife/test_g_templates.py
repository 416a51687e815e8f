"""会议程序模板: every meeting type's published procedure is readable, and the institution's
administrators add their own steps, which new minutes then follow, and switch them off."""

from __future__ import annotations

import pytest
from django.urls import reverse

from services.orglife.minutes_checklist import checklist
from services.orglife.models import LocalMeetingStep, Meeting
from services.procedures.models import MeetingStep
from services.procedures.selectors import meeting_template_in_force
from tenants.models import Institution
from tests.conftest import client_for, make_user

from .conftest import Branch

pytestmark = pytest.mark.django_db


def test_everyone_reads_the_templates_with_their_required_records(branch: Branch, inst_a: Institution) -> None:
    body = client_for(inst_a, branch.secretary).get(reverse("orglife_templates:page")).content.decode()
    life = meeting_template_in_force(kind=Meeting.Kind.LIFE_MEETING)
    assert life is not None and life.title in body and "须有记录" in body
    assert "增加本校步骤" not in body  # a secretary is not the institution's administrator


def test_an_administrator_adds_a_local_step_that_new_minutes_follow_and_switches_it_off(inst_a: Institution) -> None:
    admin = make_user(inst_a, username="tpl_admin", is_superuser=True)
    client = client_for(inst_a, admin)
    life = meeting_template_in_force(kind=Meeting.Kind.LIFE_MEETING)
    assert life is not None
    first = MeetingStep.objects.filter(template=life).order_by("number").first()
    assert first is not None
    response = client.post(
        reverse("orglife_templates:page"),
        {"after_step": first.pk, "title": "重温入党誓词", "record_required": "on", "record_hint": "领誓人"},
    )
    assert response.status_code == 302
    step = LocalMeetingStep.objects.get(title="重温入党誓词")
    titles = [item.title for item in checklist(life)]
    assert titles.index("重温入党誓词") == titles.index(first.title) + 1
    client.post(reverse("orglife_templates:local_step_toggle", args=[step.pk]))
    assert "重温入党誓词" not in [item.title for item in checklist(life)]
    assert "已停用的本校步骤" in client.get(reverse("orglife_templates:page")).content.decode()


def test_a_secretary_cannot_add_a_step(branch: Branch, inst_a: Institution) -> None:
    life = meeting_template_in_force(kind=Meeting.Kind.LIFE_MEETING)
    assert life is not None
    first = MeetingStep.objects.filter(template=life).first()
    response = client_for(inst_a, branch.secretary).post(
        reverse("orglife_templates:page"), {"after_step": first.pk if first else 0, "title": "自加步骤"}
    )
    assert response.status_code == 403 and not LocalMeetingStep.objects.exists()
