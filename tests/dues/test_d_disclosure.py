"""The use ledger (record, correct by a reversing line) and disclosure: the figures of a year, the
frozen snapshot, the PDF, and who reads a published disclosure (the members of its branch and of
the units above it, not another branch's)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from services.audit.models import AuditEvent
from services.dues import disclosure, use
from services.dues.models import UseEntry
from services.dues.pdf import disclosure_pdf
from tenants.models import Institution
from tests.conftest import client_for, make_user
from tests.factories import MemberFactory, OrgUnitFactory

from .conftest import Branch
from .ledger_helpers import bill, months, pay

pytestmark = pytest.mark.django_db


def line(branch: Branch, amount: str = "300.00") -> UseEntry:
    return use.use_record(
        acting_user=branch.secretary,
        unit=branch.unit,
        spent_on=date(2026, 11, 3),
        purpose=UseEntry.Purpose.TRAINING,
        amount=amount,
        description="党员培训教材",
        voucher="V-001",
    )


def test_a_use_line_is_recorded_and_corrected_by_a_reversing_line(branch: Branch) -> None:
    first = line(branch)
    reversal = use.use_correct(acting_user=branch.secretary, line=first, reason="金额录错")
    assert reversal.amount == Decimal("-300.00") and reversal.corrects == first
    assert use.use_totals(use.use_lines(unit=branch.unit, year=2026)) == {"training": Decimal("0.00")}
    with pytest.raises(ValidationError):
        use.use_correct(acting_user=branch.secretary, line=first, reason="再冲一次")
    with pytest.raises(ValidationError):
        use.use_correct(acting_user=branch.secretary, line=reversal, reason="冲正冲正")
    assert AuditEvent.objects.filter(event="dues.use_recorded").count() == 2


@pytest.mark.parametrize("amount", ["-5", "0", "1000000.01", "1.005", "abc"])
def test_a_wrong_amount_is_refused_in_chinese(branch: Branch, amount: str) -> None:
    with pytest.raises(ValidationError) as caught:
        line(branch, amount)
    assert "金额" in str(caught.value)


def test_only_the_units_managers_record_use(inst_a: Institution, branch: Branch) -> None:
    with pytest.raises(PermissionDenied):
        use.use_record(
            acting_user=make_user(inst_a, username="dues_d_nobody"),
            unit=branch.unit,
            spent_on=date(2026, 11, 3),
            purpose="training",
            amount="1",
            description="x",
        )


def year_of_dues(branch: Branch) -> None:
    got = months(2026, 10, 11)
    for member in branch.members[:4]:
        bill(member, got[10])
        pay(member, got[10])
    bill(branch.members[4], got[11], "0.20", category="student")
    bill(branch.members[5], got[11], "30.00")


def test_the_figures_and_the_frozen_snapshot(branch: Branch) -> None:
    year_of_dues(branch)
    line(branch)
    published = disclosure.disclosure_publish(acting_user=branch.secretary, unit=branch.unit, year=2026)
    snap = published.snapshot
    assert snap["collection"]["billed"] == "70.20" and snap["collection"]["paid"] == "40.00"
    assert snap["collection"]["rate"] == "57.0"
    by_category = {row["category"]: (row["bills"], row["billed"]) for row in snap["categories"]}
    assert by_category == {"employed": (5, "70.00"), "student": (1, "0.20")}
    assert snap["use"]["total"] == "300.00" and snap["use"]["lines"][0]["voucher"] == "V-001"
    # Later payments do not change what was published.
    pay(branch.members[5], months(2026, 11, 11)[11], "30.00")
    published.refresh_from_db()
    assert published.snapshot["collection"]["paid"] == "40.00"
    assert disclosure.disclosure_figures(unit=branch.unit, year=2026)["collection"]["paid"] == "70.00"
    assert disclosure_pdf(published).startswith(b"%PDF")


def test_a_future_year_or_a_stranger_cannot_publish(inst_a: Institution, branch: Branch) -> None:
    with pytest.raises(ValidationError):
        disclosure.disclosure_publish(acting_user=branch.secretary, unit=branch.unit, year=2099)
    with pytest.raises(PermissionDenied):
        disclosure.disclosure_publish(acting_user=make_user(inst_a, username="dues_d_x"), unit=branch.unit, year=2026)


def test_members_read_their_branch_and_institution_disclosures_only(inst_a: Institution, branch: Branch) -> None:
    root = OrgUnitFactory(name="校党委", kind="committee")
    mine = OrgUnitFactory(name="本支部", parent=root)
    other = OrgUnitFactory(name="别的支部", parent=root)
    reader = make_user(inst_a, username="dues_d_reader")
    MemberFactory(branch=mine, user=reader)
    admin = make_user(inst_a, username="dues_d_admin", is_superuser=True)
    ours = disclosure.disclosure_publish(acting_user=admin, unit=mine, year=2026)
    institution = disclosure.disclosure_publish(acting_user=admin, unit=root, year=2026)
    theirs = disclosure.disclosure_publish(acting_user=admin, unit=other, year=2026)
    seen = set(disclosure.disclosures_visible(acting_user=reader).values_list("pk", flat=True))
    assert seen == {ours.pk, institution.pk}
    client = client_for(inst_a, reader)
    assert client.get(f"/dues/disclosure/{ours.pk}/").status_code == 200
    assert client.get(f"/dues/disclosure/{theirs.pk}/").status_code == 404
    pdf = client.get(f"/dues/disclosure/{institution.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    listed = client.get("/dues/disclosure/").content.decode()
    assert "本支部" in listed and "别的支部" not in listed
    api = client.get("/api/dues/disclosures/").json()
    assert {row["id"] for row in api["results"]} == {ours.pk, institution.pk}


def test_the_unit_page_records_use_and_publishes(inst_a: Institution, branch: Branch) -> None:
    client = client_for(inst_a, branch.secretary)
    page = client.get(f"/dues/disclosure/units/{branch.unit.pk}/?year=2026")
    assert page.status_code == 200
    client.post(
        f"/dues/disclosure/units/{branch.unit.pk}/use/",
        {"spent_on": "2026-11-03", "purpose": "hardship", "amount": "500", "description": "慰问困难党员"},
    )
    assert UseEntry.objects.filter(unit=branch.unit, amount=Decimal("500.00")).exists()
    client.post(f"/dues/disclosure/units/{branch.unit.pk}/publish/", {"year": "2026"})
    assert disclosure.disclosures_visible(acting_user=branch.secretary).filter(unit=branch.unit, year=2026).exists()
    member_client = client_for(inst_a, make_user(inst_a, username="dues_d_plain"))
    assert member_client.get(f"/dues/disclosure/units/{branch.unit.pk}/").status_code == 403
