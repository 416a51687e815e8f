"""Fixtures of the statistics tests: members of one branch of institution A whose histories put
each of them in or out of the 2025 tables (31 December 2025) for a known reason."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from django.utils import timezone

from services.accounts.models import User
from services.development.models import Dossier
from services.members.models import AppraisalResult, Member, MemberChange
from services.organization.models import AdminGrant, OrgUnit
from services.study.models import Training
from tenants.models import Institution
from tests.conftest import in_schema, make_user
from tests.factories import MemberFactory, OrgUnitFactory

YEAR = 2025


@dataclass
class World:
    root: OrgUnit
    branch: OrgUnit
    admin: User
    members: dict[str, Member]


def _left(member: Member, status: str, on: date) -> None:
    MemberChange.objects.create(
        member=member, kind="status", changes={"status": ["normal", status], "effective_on": [None, on.isoformat()]}
    )


def make_world(institution: Institution, prefix: str = "st") -> World:
    root = OrgUnitFactory(name="校党委", kind=OrgUnit.Kind.COMMITTEE)
    branch = OrgUnitFactory(name="统计党支部", parent=root)
    admin = make_user(institution, username=f"{prefix}_admin")
    AdminGrant.objects.create(user=admin, unit=root, role=AdminGrant.Role.INSTITUTION_ADMIN)

    def member(name: str, **fields: object) -> Member:
        fields.setdefault("joined_on", date(2010, 5, 1))
        fields.setdefault("confirmed_on", date(2011, 5, 1))
        return MemberFactory(name=f"测名{name}", branch=branch, **fields)

    m = {
        # On the roll all year: a woman of a minority, faculty, 45, postgraduate, 15 years a member.
        "veteran": member("老党员", gender="female", ethnicity="回族", birth_date=date(1980, 6, 1),
                          education="硕士研究生", category=Member.Category.FACULTY),
        # Admitted in 2025, still probationary: a student of 22 with a bachelor's degree.
        "new": member("新党员", gender="male", birth_date=date(2003, 1, 1), education="大学本科",
                      category=Member.Category.STUDENT, joined_on=date(2025, 6, 1), confirmed_on=None,
                      status=Member.Status.PROBATIONARY),
        # Joined after the reporting date: in no 2025 count.
        "later": member("后入党", gender="male", birth_date=date(2004, 1, 1), joined_on=date(2026, 3, 1),
                        confirmed_on=None, status=Member.Status.PROBATIONARY, category=Member.Category.STUDENT),
        # Died in 2024: on neither roll.
        "gone": member("已故党员", gender="male", birth_date=date(1940, 1, 1), status=Member.Status.DECEASED,
                       joined_on=date(1965, 1, 1), confirmed_on=date(1966, 1, 1), category=Member.Category.RETIREE),
        # Transferred out in August 2025: on the roll at the start, not at the end.
        "leaver": member("转出党员", gender="female", birth_date=date(1975, 3, 1),
                         status=Member.Status.TRANSFERRED_OUT, joined_on=date(2000, 1, 1),
                         confirmed_on=date(2001, 1, 1), category=Member.Category.STAFF),
        # Membership stopped in February 2026: still on the 2025 roll, 35 years a member.
        "stopped": member("停止党籍", gender="male", birth_date=date(1968, 12, 31), status=Member.Status.STOPPED,
                          joined_on=date(1990, 7, 1), confirmed_on=date(1991, 7, 1), category=Member.Category.STAFF,
                          education="高中"),
        # Arrived by a transfer in, in October 2025.
        "arrived": member("转入党员", gender="female", birth_date=date(1990, 2, 1), joined_on=date(2015, 1, 1),
                          confirmed_on=date(2016, 1, 1), category=Member.Category.FACULTY, education="大专"),
        # Admitted in 2024, confirmed in 2025.
        "confirmed": member("转正党员", gender="male", birth_date=date(2002, 5, 5), joined_on=date(2024, 9, 1),
                            confirmed_on=date(2025, 9, 1), category=Member.Category.STUDENT, education="大学本科"),
    }  # fmt: skip
    _left(m["gone"], Member.Status.DECEASED, date(2024, 3, 1))
    _left(m["leaver"], Member.Status.TRANSFERRED_OUT, date(2025, 8, 1))
    _left(m["stopped"], Member.Status.STOPPED, date(2026, 2, 1))
    arrival = MemberChange.objects.create(
        member=m["arrived"], kind="transferred", changes={"branch": [None, branch.name], "letter": [None, "Z001"]}
    )
    MemberChange.objects.filter(pk=arrival.pk).update(changed_at=timezone.make_aware(datetime(2025, 10, 1, 10)))
    dossier = {"gender": "male", "birth_date": date(2004, 1, 1), "national_id": "x", "branch": branch}
    Dossier.objects.create(name="申请人", category=Member.Category.STUDENT, applied_on=date(2025, 3, 1),
                           activist_on=date(2025, 9, 1), **dossier)  # fmt: skip
    Dossier.objects.create(name="发展对象", category=Member.Category.STUDENT, applied_on=date(2023, 3, 1),
                           activist_on=date(2023, 9, 1), target_on=date(2024, 10, 1), admitted_on=date(2025, 6, 1),
                           stage="probationary", **dossier)  # fmt: skip
    for key, year, grade in (("veteran", 2025, "excellent"), ("new", 2025, "qualified"), ("confirmed", 2024, "basic")):
        AppraisalResult.objects.create(member=m[key], year=year, grade=grade, concluded_on=date(year, 12, 20),
                                       branch_name=branch.name)  # fmt: skip
    Training.objects.create(
        member=m["veteran"],
        title="党校培训",
        organizer="党校",
        finished_on=date(2025, 5, 1),
        class_hours=12,
        certificate_key="x",
        certificate_name="x.pdf",
        certificate_type="application/pdf",
        certificate_size=1,
        status=Training.Status.APPROVED,
    )
    return World(root=root, branch=branch, admin=admin, members=m)


@pytest.fixture
def world(inst_a: Institution) -> Iterator[World]:
    with in_schema(inst_a):
        yield make_world(inst_a)
