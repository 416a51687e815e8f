"""The console counts letters in flight between institutions, without names or numbers."""

from __future__ import annotations

from django.urls import reverse

from services.accounts.models import User
from services.transfers.services import transfer_letter_send
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.transfers.helpers import graduate, side


def test_the_console_shows_counts_only(inst_a: Institution, inst_b: Institution, committee_user: User) -> None:
    with in_schema(inst_a):
        s = side("a")
        member = graduate(s.tree.branch_x)
        transfer = transfer_letter_send(member=member, to_institution=inst_b, reason="毕业", acting_user=s.secretary)
    url = reverse("transfer_exchange:in_flight", urlconf="partycloud.urls_public")
    body = client_for(None, committee_user).get(url).content.decode()
    assert inst_a.name in body and inst_b.name in body
    assert member.name not in body and transfer.number not in body
