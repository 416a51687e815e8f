"""Accounts for the people of development dossiers (applicants, activists, candidates): one per
open dossier, made and linked to the dossier, left for the person to activate
(services/accounts/provisioning.py). The username is the student/staff number, or ``d<id>``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from services.accounts.provisioning import accounts_link

from .models import Dossier


def dossier_accounts_ensure(*, dossiers: Iterable[Dossier], acting_user: Any) -> int:
    """Give every dossier in ``dossiers`` without an account a new, not yet activated one, linked
    to the dossier; returns how many were made. One transaction, a constant number of queries."""
    pending = [dossier.pk for dossier in dossiers if dossier.user_id is None]
    if not pending:
        return 0
    return accounts_link(records=Dossier.objects.filter(pk__in=pending), prefix="d", acting_user=acting_user)
