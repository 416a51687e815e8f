"""Isolation cases for the dues month and ledger routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case

NOVEMBER = {"year": "2026", "month": "11"}


def _branch(owner: User, marker: str) -> models.Model:
    from tests.factories import OrgUnitFactory

    return OrgUnitFactory(name=marker)  # type: ignore[no-any-return]


def _member(owner: User, marker: str) -> models.Model:
    from tests.factories import MemberFactory

    return MemberFactory(name=marker)  # type: ignore[no-any-return]


def _month(owner: User, marker: str) -> models.Model:
    from services.dues.models import Month

    month, _ = Month.objects.get_or_create(year=2026, month=11)
    return month


def dues_entry(branch: models.Model, marker: str) -> models.Model:
    """A bill of 2026-11 for a new member of ``branch`` named ``marker``."""
    from decimal import Decimal

    from services.dues.models import Entry, Month
    from tests.factories import MemberFactory

    month, _ = Month.objects.get_or_create(year=2026, month=11)
    member = MemberFactory(name=marker, branch=branch)
    return Entry.objects.create(  # type: ignore[no-any-return]
        member=member, unit=branch, kind=Entry.Kind.BILL, year=2026, month=11, booked=month, amount=Decimal("1.00")
    )


def _entry(owner: User, marker: str) -> models.Model:
    from tests.factories import OrgUnitFactory

    return dues_entry(OrgUnitFactory(name=marker), marker)


def _open(obj: models.Model) -> bool:
    from services.dues.models import Month

    return Month.objects.filter(pk=obj.pk, status=Month.Status.OPEN).exists()


def _not_reversed(obj: models.Model) -> bool:
    from services.dues.models import Entry

    return not Entry.objects.filter(corrects_id=obj.pk).exists()


CASES: dict[tuple[str, str], Case] = {
    # Pages
    (TENANT, "dues:home"): Case("page"),
    (TENANT, "dues:month_open"): Case("page", methods=("get", "post")),
    (TENANT, "dues:month_close"): Case("object", factory=_month, methods=("get", "post"), exists=_open),
    (TENANT, "dues:month_bill_missing"): Case("object", factory=_month, methods=("post",), exists=_open),
    (TENANT, "dues:year_close"): Case("page", lookup="year", methods=("get", "post"), url_kwargs={"year": "2026"}),
    (TENANT, "dues:sheet"): Case("object", factory=_branch, url_kwargs=NOVEMBER),
    (TENANT, "dues:export_month"): Case("object", factory=_branch, url_kwargs=NOVEMBER),
    (TENANT, "dues:export_year"): Case("object", factory=_branch, url_kwargs={"year": "2026"}),
    (TENANT, "dues:settings"): Case("object", factory=_branch, methods=("get", "post")),
    (TENANT, "dues:payment"): Case("object", factory=_member, methods=("get", "post")),
    (TENANT, "dues:entry_reverse"): Case("object", factory=_entry, methods=("get", "post"), exists=_not_reversed),
    # API
    (TENANT, "dues-months"): Case("page", methods=("get", "post")),
    (TENANT, "dues-month-close"): Case("object", factory=_month, methods=("post",), exists=_open),
    (TENANT, "dues-unit-entries"): Case("object", factory=_branch, url_kwargs=NOVEMBER),
    (TENANT, "dues-payments"): Case("object", factory=_member, methods=("post",)),
    (TENANT, "dues-entry-reverse"): Case("object", factory=_entry, methods=("post",), exists=_not_reversed),
}
