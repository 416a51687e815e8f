"""Reads of transfers, narrowed to what the acting user manages (scope.py).

Transfers are for managers only: a sender's transfers are seen by those who manage the branch
the person left; an institution's incoming letters by its managers (a letter shows only the
envelope until it is accepted).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.scope import Scope, scope_for
from services.transfer_exchange.models import ExchangeLetter
from tenants.models import Institution

from .common import current_institution
from .models import BatchItem, BatchTransfer, IncomingLetter, Transfer


def transfer_list(*, acting_user: Any, kind: str = "", scope: Scope | None = None) -> QuerySet[Transfer]:
    scope = scope or scope_for(acting_user)
    transfers = Transfer.objects.filter(scope.units_q("from_branch__", manage=True)).select_related(
        "member", "from_branch", "to_branch"
    )
    if kind:
        transfers = transfers.filter(kind=kind)
    return transfers.order_by("-created_at", "-id")


def transfer_get(*, acting_user: Any, pk: int) -> Transfer:
    """Transfer.DoesNotExist outside the user's scope (a 404)."""
    return transfer_list(acting_user=acting_user).get(pk=pk)


def is_overdue(transfer: Transfer, *, today: Any = None) -> bool:
    """An open letter past its validity (not accepted / stub not returned in time)."""
    today = today or timezone.localdate()
    return transfer.is_open and transfer.valid_until is not None and transfer.valid_until < today


@dataclass(frozen=True)
class Incoming:
    entry: IncomingLetter
    letter: ExchangeLetter


def incoming_list(*, acting_user: Any, scope: Scope | None = None, status: str = "") -> list[Incoming]:
    """This institution's incoming platform letters (two queries), for its managers."""
    scope = scope or scope_for(acting_user)
    if not scope.is_manager:
        return []
    entries = list(IncomingLetter.objects.order_by("-received_at", "-id")[:1000])
    letters = ExchangeLetter.objects.filter(pk__in=[e.letter_id for e in entries], to_institution=current_institution())
    if status:
        letters = letters.filter(status=status)
    by_id = {letter.pk: letter for letter in letters}
    return [Incoming(e, by_id[e.letter_id]) for e in entries if e.letter_id in by_id]


def incoming_get(*, acting_user: Any, pk: int) -> Incoming:
    """IncomingLetter.DoesNotExist for a non-manager or an unknown entry (a 404)."""
    if not scope_for(acting_user).is_manager:
        raise IncomingLetter.DoesNotExist
    entry = IncomingLetter.objects.get(pk=pk)
    letter = ExchangeLetter.objects.filter(pk=entry.letter_id, to_institution=current_institution()).first()
    if letter is None:
        raise IncomingLetter.DoesNotExist
    return Incoming(entry, letter)


def incoming_of_batch(*, acting_user: Any, batch_id: str) -> list[Incoming]:
    return [
        i
        for i in incoming_list(acting_user=acting_user, status=ExchangeLetter.Status.PENDING)
        if str(i.letter.batch_id) == batch_id
    ]


def pending_batches(incoming: list[Incoming]) -> list[dict[str, Any]]:
    """Pending incoming letters grouped by the sender's batch, for "accept all" on the list."""
    groups: dict[str, dict[str, Any]] = {}
    for item in incoming:
        letter = item.letter
        if letter.batch_id is None or letter.status != ExchangeLetter.Status.PENDING:
            continue
        group = groups.setdefault(
            str(letter.batch_id), {"batch_id": str(letter.batch_id), "from": letter.from_institution_name, "count": 0}
        )
        group["count"] += 1
    return [g for g in groups.values() if g["count"] > 1]


def managed_members(*, acting_user: Any, q: str = "", limit: int = 30) -> QuerySet[Member]:
    members = Member.objects.filter(scope_for(acting_user).members_q(manage=True)).select_related("branch")
    if q:
        members = members.filter(Q(name__startswith=q) | Q(number=q))
    return members.order_by("name", "id")[:limit]


def managed_member_get(*, acting_user: Any, pk: int) -> Member:
    return Member.objects.filter(scope_for(acting_user).members_q(manage=True)).select_related("branch").get(pk=pk)


def open_branches(*, acting_user: Any | None = None, manage: bool = False) -> QuerySet[OrgUnit]:
    units = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, closed_on__isnull=True)
    if manage:
        units = units.filter(scope_for(acting_user).units_q(manage=True))
    return units.order_by("path")


def other_institutions() -> QuerySet[Institution]:
    """Where a platform letter may go: every other active institution."""
    return (
        Institution.objects.filter(status=Institution.Status.ACTIVE)
        .exclude(schema_name=current_institution().schema_name)
        .order_by("name")
    )


def batch_list(*, acting_user: Any) -> QuerySet[BatchTransfer]:
    scope = scope_for(acting_user)
    if not scope.is_manager:
        return BatchTransfer.objects.none()
    batches = BatchTransfer.objects.all()
    if not scope.everything:
        batches = batches.filter(created_by=acting_user)
    return batches.order_by("-created_at")


def batch_get(*, acting_user: Any, pk: str) -> BatchTransfer:
    """BatchTransfer.DoesNotExist (or ValidationError for a malformed id) outside the scope."""
    return batch_list(acting_user=acting_user).get(pk=pk)


def batch_items(*, batch: BatchTransfer) -> QuerySet[BatchItem]:
    return batch.items.select_related("member", "member__branch", "transfer").order_by("id")
