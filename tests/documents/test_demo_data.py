"""The demo documents: a few per institution, one committee notice, some receipts; idempotent."""

from __future__ import annotations

import random

from services.accounts.models import User
from services.documents import demo_data
from services.documents.models import Document, Receipt
from tenants.models import Institution
from tests.conftest import in_schema
from tests.documents.conftest import World


def test_demo_documents_are_seeded_once(inst_a: Institution, world: World, committee_user: User) -> None:
    with in_schema("public"):
        demo_data.seed_public()
        demo_data.seed_public()
        assert Document.objects.filter(title=demo_data.COMMITTEE_NOTICE[0]).count() == 1
    with in_schema(inst_a):
        demo_data.seed_institution(institution=inst_a, rng=random.Random(0))
        demo_data.seed_institution(institution=inst_a, rng=random.Random(0))
        assert Document.objects.count() == len(demo_data.INSTITUTION_DOCUMENTS)
        assert set(Document.objects.values_list("kind", flat=True)) == {"notice", "study", "minutes"}
        assert Receipt.objects.exists()
