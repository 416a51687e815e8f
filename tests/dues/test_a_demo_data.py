"""The dues demo: bases (one at exactly 3000.00, one member left without), 2026-06..2026-11
opened and mostly paid with receipt numbers, all closed but 2026-11, one member with six unpaid
months (not the demo member, whose November is left to pay), 2026-12 left to open; once only."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest

from services.accounts.models import User
from services.dues.demo_data import seed_institution
from services.dues.models import Base, Entry, Month
from services.dues.selectors import outstanding_months
from tests.conftest import make_user

from .conftest import Branch

pytestmark = pytest.mark.django_db


def test_the_demo_opens_six_months_pays_most_and_leaves_one_member_in_arrears(branch: Branch, inst_a: Any) -> None:
    User.objects.filter(pk=branch.secretary.pk).update(username="secretary")
    demo = make_user(inst_a, username="member")
    branch.members[5].user = demo
    branch.members[5].save(update_fields=["user"])
    seed_institution(institution=inst_a, rng=random.Random(0))
    months = {(m.year, m.month): m.status for m in Month.objects.all()}
    assert months == {**{(2026, n): "closed" for n in range(6, 11)}, (2026, 11): "open"}
    assert Base.objects.filter(monthly_base=Decimal("3000.00")).exists()
    assert Base.objects.count() == 9  # one member left without a base
    unpaid = outstanding_months()
    arrears = branch.members[1]  # the first member of the secretary's branch with no account
    assert unpaid[arrears.pk] == [(2026, n) for n in range(6, 12)]
    assert (2026, 11) in unpaid[branch.members[5].pk] and (2026, 10) not in unpaid.get(branch.members[5].pk, [])
    payments = Entry.objects.filter(kind=Entry.Kind.PAYMENT)
    assert payments.count() > 30 and not payments.filter(reference="").exists()
    seed_institution(institution=inst_a, rng=random.Random(1))
    assert Month.objects.count() == 6
