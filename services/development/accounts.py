"""Accounts for the people of development dossiers (applicants, activists, candidates): one per
open dossier, made and linked to the dossier, left for the person to activate
(services/accounts/provisioning.py). The username is the student/staff number, or ``d<id>``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from services.accounts import audit_events as account_events
from services.accounts.provisioning import Holder, accounts_create_many
from services.audit.services import audit_record_many

from .models import Dossier


def dossier_accounts_ensure(*, dossiers: Iterable[Dossier], acting_user: Any) -> int:
    """Give every dossier in ``dossiers`` without an account a new, not yet activated one, linked
    to the dossier; returns how many were made. One transaction, a constant number of queries."""
    pending = [dossier for dossier in dossiers if dossier.user_id is None]
    if not pending:
        return 0
    with transaction.atomic():
        locked = list(
            Dossier.objects.select_for_update()
            .filter(pk__in=[d.pk for d in pending], user__isnull=True)
            .order_by("pk")
            .only("pk", "name", "number", "user_id")
        )
        user_ids = accounts_create_many(
            holders=[Holder(number=d.number, name=d.name, fallback=f"d{d.pk}") for d in locked]
        )
        for dossier, user_id in zip(locked, user_ids, strict=True):
            dossier.user_id = user_id
        Dossier.objects.bulk_update(locked, ["user"], batch_size=2000)
        audit_record_many(
            event=account_events.ACCOUNTS_PROVISIONED,
            acting_user=acting_user,
            targets=[("accounts.user", user_id) for user_id in user_ids],
            detail={"for": "dossier"},
            per_target={dossier.user_id: {"record": dossier.pk} for dossier in locked},
        )
    return len(locked)
