"""Reminder source of transfers (services/reminders/registry.py): "transfers not received".

An outgoing letter whose validity (``transfer.letter_validity_days``, e.g. 90 days, resolved on
its issue date and stored with it) has run out while it is still open: a platform letter the
receiving institution has neither accepted nor rejected, or an introduction letter whose receipt
stub (回执) has not come back. Due on the letter's last valid day; the reminder goes to the
managers of the branch the person left (services/reminders/recipients.py: secretary, deputy,
organization commissioner of the branch or above, and unit administrators). One query for the
letters; the managers are computed once per scan and shared by every source.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from services.reminders.recipients import managers
from services.reminders.registry import Due, reminder_source

from .common import VALIDITY_RULE
from .models import Transfer

NOT_RECEIVED = "transfers.not_received"


@reminder_source(NOT_RECEIVED)
def not_received(today: date) -> Iterator[Due]:
    who = None
    for (
        pk,
        kind,
        number,
        valid_until,
        citation,
        to_institution,
        to_organization,
        branch_id,
        branch,
        member_id,
        name,
    ) in _open_past_validity(today):
        assert valid_until is not None  # filtered on
        who = who or managers(on=today)
        yield Due(
            key=f"{NOT_RECEIVED}:{pk}:{valid_until.isoformat()}",
            kind=NOT_RECEIVED,
            title=_title(
                kind=kind, number=number, name=name, to_institution=to_institution, to_organization=to_organization
            )[:200],
            due_on=valid_until,
            recipient_ids=who.of_unit(branch_id),
            url=reverse("transfers:detail", args=[pk]),
            rule_key=VALIDITY_RULE,
            citation=citation,
            detail=_("%(branch)s · 有效期至 %(day)s") % {"branch": branch, "day": valid_until.isoformat()},
            member_id=member_id,
        )


def _open_past_validity(today: date) -> QuerySet[Transfer, tuple[Any, ...]]:
    """The letters still open on their last valid day or after it, as the rows ``not_received``
    reads (one query)."""
    return (
        Transfer.objects.filter(valid_until__lte=today)
        .filter(
            Q(kind=Transfer.Kind.PLATFORM, status=Transfer.Status.PENDING)
            | Q(kind=Transfer.Kind.EXTERNAL, status=Transfer.Status.ISSUED)
        )
        .values_list(
            "pk",
            "kind",
            "number",
            "valid_until",
            "validity_rule",
            "to_institution_name",
            "to_organization",
            "from_branch_id",
            "from_branch__name",
            "member_id",
            "member__name",
        )
        .order_by("pk")
    )


def _title(*, kind: str, number: str, name: str, to_institution: str, to_organization: str) -> str:
    """What is due: the receiver has not accepted a platform letter, or an external letter's stub
    has not come back."""
    if kind == Transfer.Kind.PLATFORM:
        return _("介绍信 %(number)s（%(name)s）有效期已到，%(to)s 尚未接收") % {
            "number": number,
            "name": name,
            "to": to_institution,
        }
    return _("介绍信 %(number)s（%(name)s）有效期已到，%(to)s 的回执尚未返回") % {
        "number": number,
        "name": name,
        "to": to_organization,
    }
