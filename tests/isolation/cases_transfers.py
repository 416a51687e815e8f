"""Isolation cases for the transfers routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from datetime import date

from django.db import models

from services.accounts.models import User
from tests.isolation.case import CONSOLE, TENANT, Case


def _member(owner: User, marker: str) -> models.Model:
    from tests.factories import MemberFactory

    return MemberFactory(name=marker)


def _transfer(owner: User, marker: str) -> models.Model:
    from services.transfers.models import Transfer
    from tests.factories import MemberFactory, OrgUnitFactory

    member = MemberFactory(name=marker)
    return Transfer.objects.create(
        member=member,
        kind=Transfer.Kind.EXTERNAL,
        status=Transfer.Status.ISSUED,
        from_branch=member.branch,
        to_branch=OrgUnitFactory(),
        number=f"{marker}-1",
        to_organization=marker,
        reason=marker,
        issued_on=date.today(),
        valid_until=date.today(),
    )


def _transfer_unchanged(obj: models.Model) -> bool:
    from services.transfers.models import Transfer

    return Transfer.objects.filter(pk=obj.pk, status=Transfer.Status.ISSUED, stub_returned_on__isnull=True).exists()


def _incoming(owner: User, marker: str) -> models.Model:
    """A pending letter addressed to the institution whose schema this runs in, and its inbox entry."""
    from services.transfer_exchange.models import ExchangeLetter
    from services.transfers.common import current_institution
    from services.transfers.models import IncomingLetter

    letter = ExchangeLetter.objects.create(
        number=f"{marker}-{current_institution().code}",
        to_institution=current_institution(),
        from_institution_name="某学校",
        from_branch_name="某支部",
        to_institution_name=current_institution().name,
        person_name=marker,
        issued_on=date.today(),
        valid_until=date.today(),
    )
    return IncomingLetter.objects.create(letter_id=letter.pk)


def _incoming_pending(obj: models.Model) -> bool:
    from services.transfer_exchange.models import ExchangeLetter
    from services.transfers.models import IncomingLetter

    entry = IncomingLetter.objects.filter(pk=obj.pk).first()
    return entry is not None and ExchangeLetter.objects.filter(pk=entry.letter_id, status="pending").exists()


def _batch(owner: User, marker: str) -> models.Model:
    from services.transfers.models import BatchTransfer

    return BatchTransfer.objects.create(
        destination=BatchTransfer.Destination.EXTERNAL, to_organization=marker, reason=marker, created_by=owner
    )


CASES: dict[tuple[str, str], Case] = {
    # Pages
    (TENANT, "transfers:transfer_list"): Case("collection", factory=_transfer),
    (TENANT, "transfers:pick"): Case("page"),
    (TENANT, "transfers:internal_new"): Case("object", factory=_member, methods=("get", "post")),
    (TENANT, "transfers:platform_new"): Case("object", factory=_member, methods=("get", "post")),
    (TENANT, "transfers:external_new"): Case("object", factory=_member, methods=("get", "post")),
    (TENANT, "transfers:detail"): Case("object", factory=_transfer),
    (TENANT, "transfers:letter_pdf"): Case("object", factory=_transfer),
    (TENANT, "transfers:stub_return"): Case("object", factory=_transfer, methods=("post",), exists=_transfer_unchanged),
    (TENANT, "transfers:cancel"): Case("object", factory=_transfer, methods=("post",), exists=_transfer_unchanged),
    (TENANT, "transfers:incoming"): Case("object", factory=_incoming),
    (TENANT, "transfers:incoming_accept"): Case(
        "object", factory=_incoming, methods=("post",), exists=_incoming_pending
    ),
    (TENANT, "transfers:incoming_reject"): Case(
        "object", factory=_incoming, methods=("post",), exists=_incoming_pending
    ),
    (TENANT, "transfers:incoming_batch"): Case("page", lookup="batch_id", methods=("get", "post")),
    (TENANT, "transfers:batch_new"): Case("page", methods=("get", "post")),
    (TENANT, "transfers:batch"): Case("object", factory=_batch),
    (TENANT, "transfers:batch_export"): Case("object", factory=_batch),
    # API
    (TENANT, "transfer-list"): Case("collection", factory=_transfer, methods=("get", "post")),
    (TENANT, "transfer-detail"): Case("object", factory=_transfer),
    (TENANT, "transfer-stub"): Case("object", factory=_transfer, methods=("post",), exists=_transfer_unchanged),
    (TENANT, "transfer-cancel"): Case("object", factory=_transfer, methods=("post",), exists=_transfer_unchanged),
    (TENANT, "transfer-letter"): Case("object", factory=_transfer),
    (TENANT, "transfer-incoming-list"): Case("collection", factory=_incoming),
    (TENANT, "transfer-incoming-detail"): Case("object", factory=_incoming),
    (TENANT, "transfer-incoming-accept"): Case(
        "object", factory=_incoming, methods=("post",), exists=_incoming_pending
    ),
    (TENANT, "transfer-incoming-reject"): Case(
        "object", factory=_incoming, methods=("post",), exists=_incoming_pending
    ),
    (TENANT, "transfer-batch-list"): Case("collection", factory=_batch, methods=("get", "post")),
    (TENANT, "transfer-batch-detail"): Case("object", factory=_batch),
    (TENANT, "transfers-batch-status"): Case("object", factory=_batch),
    # Console: de-identified counts of letters in flight
    (CONSOLE, "transfer_exchange:in_flight"): Case("console"),
}
