"""Disclosure (党费收缴使用情况公开): a branch's or the institution's year — the collection rate
(``selectors.collection``, the one definition), the bills' totals by category (from their
``basis``) and the use lines — computed for the unit's managers, and published: the figures are
frozen into a ``Disclosure`` row the members it concerns read (their branch's, and the units'
above it up to the institution's). Collection and use are disclosed at least once a year (the
December reminder ``dues.disclosure_due``)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.services import audit_record
from services.members.selectors import member_of
from services.openness.models import BoardItem
from services.openness.services import publish_item
from services.organization.models import OrgUnit
from services.organization.scope import ancestor_paths, can_manage, scope_for

from .audit_events import EVENT_DISCLOSURE_PUBLISHED
from .disclosure_models import Disclosure
from .models import Category, Entry, UseEntry
from .selectors import ZERO, Collection, collection
from .use import use_lines

MIN_YEAR = 2000


def _money(value: Decimal | None) -> str:
    return str((value or ZERO).quantize(Decimal("0.01")))


def _collection(unit_ids: list[int], year: int) -> dict[str, Any]:
    rows = collection(year=year, unit_ids=unit_ids)
    total = Collection(
        unit_id=0,
        billed=sum((r.billed for r in rows), ZERO),
        paid=sum((r.paid for r in rows), ZERO),
        reduced=sum((r.reduced for r in rows), ZERO),
        members_billed=sum(r.members_billed for r in rows),
        members_settled=sum(r.members_settled for r in rows),
    )
    return {
        "billed": _money(total.billed),
        "paid": _money(total.paid),
        "reduced": _money(total.reduced),
        "due": _money(total.due),
        "rate": str(total.rate) if total.rate is not None else None,
        "member_months": total.members_billed,
        "member_months_settled": total.members_settled,
    }


def _categories(unit_ids: list[int], year: int) -> list[dict[str, Any]]:
    """The year's bills by category (a corrected bill counts once: its reversal cancels it)."""
    bills = Entry.objects.filter(unit_id__in=unit_ids, year=year)
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[str, int] = defaultdict(int)
    groups = (
        (bills.filter(kind=Entry.Kind.BILL), "basis__category", 1),
        (bills.filter(kind=Entry.Kind.REVERSAL, corrects__kind=Entry.Kind.BILL), "corrects__basis__category", -1),
    )
    for rows, field, sign in groups:
        for key, total, count in rows.values_list(field).annotate(total=Sum("amount"), count=Count("id")).order_by():
            totals[key or ""] += total
            counts[key or ""] += sign * count
    labels = dict(Category.choices)
    return [
        {"category": key, "label": str(labels.get(key, _("其他"))), "billed": _money(totals[key]), "bills": counts[key]}
        for key in sorted(totals, key=lambda k: list(labels).index(k) if k in labels else len(labels))
    ]


def _use(unit: OrgUnit, year: int) -> dict[str, Any]:
    lines = use_lines(unit=unit, year=year)
    purposes = dict(UseEntry.Purpose.choices)
    rows = [
        {
            "spent_on": line.spent_on.isoformat(),
            "unit": line.unit.name,
            "purpose": line.purpose,
            "purpose_label": str(purposes.get(line.purpose, line.purpose)),
            "amount": _money(line.amount),
            "description": line.description,
            "voucher": line.voucher,
        }
        for line in lines
    ]
    total = lines.aggregate(total=Sum("amount"))["total"]
    return {"lines": rows, "total": _money(total)}


def disclosure_figures(*, unit: OrgUnit, year: int) -> dict[str, Any]:
    """The unit's year as it stands (its subtree: a branch's groups, a college's branches, the
    institution's everything): JSON-ready, what a publication freezes."""
    unit_ids = list(OrgUnit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    return {
        "unit": unit.name,
        "unit_id": unit.pk,
        "year": year,
        "collection": _collection(unit_ids, year),
        "categories": _categories(unit_ids, year),
        "use": _use(unit, year),
        "computed_at": timezone.now().isoformat(timespec="seconds"),
    }


def can_publish(*, acting_user: Any, unit: OrgUnit) -> bool:
    return can_manage(acting_user=acting_user, unit=unit)


def disclosure_publish(*, acting_user: Any, unit: OrgUnit, year: int) -> Disclosure:
    """Freeze the unit's year and publish it to the members it concerns (audited)."""
    if not can_publish(acting_user=acting_user, unit=unit):
        raise PermissionDenied(_("只有本组织的管理者可以公开党费收缴使用情况。"))
    if not MIN_YEAR <= year <= timezone.localdate().year:
        raise ValidationError({"year": _("只能公开今年或以前年度的情况。")})
    with transaction.atomic():
        snapshot = disclosure_figures(unit=unit, year=year)
        disclosure = Disclosure.objects.create(unit=unit, year=year, snapshot=snapshot, published_by=acting_user)
        audit_record(
            event=EVENT_DISCLOSURE_PUBLISHED,
            actor=acting_user,
            target=disclosure,
            after={
                "unit": unit.pk,
                "year": year,
                "collection": snapshot["collection"],
                "use": snapshot["use"]["total"],
            },
        )
        _to_the_board(acting_user=acting_user, disclosure=disclosure)
    return disclosure


def _to_the_board(*, acting_user: Any, disclosure: Disclosure) -> None:
    """The 党务公开 board shows the year's totals (never a member's line), linking to the disclosure;
    the year published again replaces its item."""
    totals, use = disclosure.snapshot["collection"], disclosure.snapshot["use"]
    publish_item(
        acting_user=acting_user,
        kind=BoardItem.Kind.DUES,
        unit=disclosure.unit,
        title=_("%(unit)s %(year)s 年度党费收缴使用情况") % {"unit": disclosure.unit.name, "year": disclosure.year},
        body=_("应交 %(billed)s 元，实交 %(paid)s 元，减免 %(reduced)s 元；党费使用合计 %(use)s 元。")
        % {"billed": totals["billed"], "paid": totals["paid"], "reduced": totals["reduced"], "use": use["total"]},
        link=reverse("dues_disclosure:detail", kwargs={"pk": disclosure.pk}),
        source_key=f"dues:{disclosure.unit_id}:{disclosure.year}",
    )


# --- who reads what ------------------------------------------------------------------------------


def _concerning(user: Any) -> Q:
    """The disclosures of the user's own branch and of the units above it."""
    member = member_of(user)
    if member is None:
        return Q(pk__in=[])
    return Q(unit__path__in=ancestor_paths(member.branch.path))


def disclosures_visible(*, acting_user: Any) -> QuerySet[Disclosure]:
    """Published disclosures the user reads: those concerning them as a member, and, for those who
    see part of the tree, those of the units they see."""
    scope = scope_for(acting_user)
    rows = Disclosure.objects.all()
    if not scope.everything:
        condition = _concerning(acting_user)
        if scope.seen_paths:
            condition |= scope.units_q("unit__")
        rows = rows.filter(condition)
    return rows.select_related("unit").order_by("-year", "-published_at", "-pk")


def disclosure_get(*, acting_user: Any, pk: int) -> Disclosure:
    """One published disclosure the user reads; Disclosure.DoesNotExist otherwise (a 404)."""
    return disclosures_visible(acting_user=acting_user).get(pk=pk)


def managed_units(*, acting_user: Any) -> QuerySet[OrgUnit]:
    """The open branches and higher units the user manages (where a disclosure is made)."""
    return (
        OrgUnit.objects.filter(scope_for(acting_user).units_q(manage=True), closed_on__isnull=True)
        .exclude(kind=OrgUnit.Kind.PARTY_GROUP)
        .order_by("path")
    )
