"""Writes of the dues month and ledger (docs/dues.md "The month and the ledger"), in one place
for the pages and the API: opening, 补开 and closing months (``months.py``), payments, voluntary
payments, refunds and corrections (``ledger.py``), and a branch's choice to pay by quarter.

Each takes ``acting_user`` and keyword arguments, runs in one transaction with an audit row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.organization.models import OrgUnit
from services.organization.scope import require_manage

from .audit_events import EVENT_BRANCH_SETTINGS
from .ledger import NOT_YOURS, entry_reverse, parse_yuan, payment_record, refund_record, voluntary_record
from .models import BranchSettings
from .months import bill_missing, close_month, close_year, open_month

__all__ = [
    "bill_missing",
    "branch_settings_set",
    "close_month",
    "close_year",
    "entry_reverse",
    "open_month",
    "parse_yuan",
    "payment_record",
    "refund_record",
    "voluntary_record",
]


def branch_settings_set(*, acting_user: Any, unit: OrgUnit, quarterly: bool) -> BranchSettings:
    """The branch pays by quarter (按季度交纳) or by month. Bills stay monthly; a quarterly branch's
    sheet offers the quarter's three months in one payment."""
    require_manage(acting_user=acting_user, unit=unit, message=NOT_YOURS)
    if unit.kind != OrgUnit.Kind.BRANCH:
        raise ValidationError(_("只有党支部可以设置党费交纳方式。"))
    with transaction.atomic():
        settings, _created = BranchSettings.objects.select_for_update().get_or_create(unit=unit)
        before = {"quarterly": settings.quarterly}
        settings.quarterly = quarterly
        settings.save(update_fields=["quarterly", "updated_at"])
        audit_record(
            event=EVENT_BRANCH_SETTINGS, actor=acting_user, target=unit, before=before, after={"quarterly": quarterly}
        )
    return settings
