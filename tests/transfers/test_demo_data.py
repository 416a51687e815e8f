"""The demo shows a pending incoming letter and PDF letters with outstanding stubs (idempotent)."""

from __future__ import annotations

import random

import pytest

from services.storage.backends import get_storage
from services.transfer_exchange.models import ExchangeLetter
from services.transfers import demo_data, selectors
from services.transfers.models import IncomingLetter, Transfer
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory
from tests.members.helpers import build_tree


def test_demo_seed_is_idempotent_and_shows_pending_and_overdue_letters(
    inst_a: Institution, inst_b: Institution, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_data, "LETTER_ISSUER", inst_a.code)
    monkeypatch.setattr(demo_data, "LETTER_SENDER", inst_b.code)
    for inst in (inst_a, inst_b):
        with in_schema(inst):
            tree = build_tree()
            MemberFactory.create_batch(3, branch=tree.branch_x)
    for _ in range(2):
        for inst in (inst_a, inst_b):
            with in_schema(inst):
                demo_data.seed_institution(institution=inst, rng=random.Random(0))
    with in_schema(inst_a):
        letters = list(Transfer.objects.filter(kind=Transfer.Kind.EXTERNAL))
        assert len(letters) == 2 and all(t.status == Transfer.Status.ISSUED for t in letters)
        assert sorted(selectors.is_overdue(t) for t in letters) == [False, True]
        assert IncomingLetter.objects.count() == 1
        for t in letters:
            get_storage().delete(t.pdf_key)
    assert ExchangeLetter.objects.get(from_institution=inst_b).status == ExchangeLetter.Status.PENDING
