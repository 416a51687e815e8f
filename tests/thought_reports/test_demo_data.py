"""The demo: an activist signing in as "activist" whose contact person is the demo member, with
one accepted report (filed into the dossier) and one waiting for the contact person."""

from __future__ import annotations

import random

import pytest

from services.accounts.models import User
from services.development.models import DossierStep
from services.members.models import Member
from services.organization.models import Position
from services.thought_reports import demo_data
from services.thought_reports.models import Report
from tenants.models import Institution
from tests.conftest import make_user

from .conftest import People, make_dossier

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_activist_and_a_contact_person_with_accounts(inst_a: Institution, people: People) -> None:
    User.objects.filter(pk=people.secretary.pk).update(username="secretary")
    member_user = make_user(inst_a, username="member")
    contact = people.branch.members[5]
    Member.objects.filter(pk=contact.pk).update(user=member_user)
    assert Position.objects.filter(member__user__username="secretary").exists()
    dossier = make_dossier(people.branch, name="演示积极分子", user=None)
    demo_data.seed_institution(institution=inst_a, rng=random.Random(0))
    activist = User.objects.get(username="activist")
    dossier.refresh_from_db()
    assert dossier.user == activist or Report.objects.filter(author=activist).exists()
    statuses = sorted(Report.objects.filter(author=activist).values_list("status", flat=True))
    assert statuses == [Report.Status.ACCEPTED, Report.Status.CONTACT]
    waiting = Report.objects.get(author=activist, status=Report.Status.CONTACT)
    assert waiting.dossier is not None and waiting.dossier.contacts.filter(member__user=member_user).exists()
    assert DossierStep.objects.filter(code="thought_report", dossier=waiting.dossier).count() == 1
    demo_data.seed_institution(institution=inst_a, rng=random.Random(0))  # idempotent
    assert Report.objects.filter(author=activist).count() == 2
