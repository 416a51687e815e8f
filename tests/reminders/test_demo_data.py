"""`make run`'s demo: the demo secretary and the demo member have reminders after seeding."""

from __future__ import annotations

import random
from datetime import date

from services.organization.models import Position
from services.reminders.demo_data import seed_institution
from services.reminders.models import Reminder
from tenants.models import Institution
from tests.conftest import in_schema
from tests.members.helpers import build_tree
from tests.reminders.helpers import person


def test_demo_seed_gives_the_secretary_and_the_member_reminders_and_is_idempotent(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        secretary, _ = person(tree.branch_x, "secretary", Position.Kind.SECRETARY)
        member, _ = person(tree.branch_x, "member")
        Position.objects.filter(member__user=secretary).update(started_on=date(2020, 1, 1))
        seed_institution(institution=inst_a, rng=random.Random(0))
        seed_institution(institution=inst_a, rng=random.Random(0))
        kinds = set(Reminder.objects.filter(recipient=secretary).values_list("kind", flat=True))
        assert {"organization.term_ending", "members.abroad_contact"} <= kinds
        assert Reminder.objects.filter(recipient=member, kind="members.abroad_contact").count() == 1
