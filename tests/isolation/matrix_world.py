"""The people and the objects the role × route matrix (``matrix.py``) acts with, built once per
test module in institution A and rolled back when the module ends.

The tree: the university committee (root) › college Y › branch X, and › college Z › branch W.
"IN" objects sit in branch X (inside Y), "OUT" objects in branch W (outside X and Y). Each object's
visible text carries a marker (``MX-IN-<subject>`` / ``MX-OUT-<subject>``) that list checks look for.

Actors (``ACTORS``): a member of X (their account is ``Member.user``), an applicant (an account
linked to a dossier of X by ``Dossier.user``, no member record), the secretary of X (a position),
the unit admin of Y (an ``AdminGrant`` unit_admin), the institution admin (an ``AdminGrant``
institution_admin on the root; not a superuser), a committee user and an operator (public schema,
``platform_role``), and nobody (anonymous). Each gets one signed-in test client.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any

from django.db import models
from django.test import Client
from django.utils import timezone

from services.accounts.models import User
from services.accounts.services import api_token_create
from services.storage.backends import get_storage
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user
from tests.isolation import cases_surveys

# Actors of an institution's schema, and of the public schema (the console).
TENANT_ACTORS = ("member", "applicant", "secretary", "unit_admin", "institution_admin")
PLATFORM_ACTORS = ("committee", "operator")
ACTORS = ("anonymous", *TENANT_ACTORS, *PLATFORM_ACTORS)


@dataclass
class Subject:
    """One kind of object a route acts on: IN (branch X), OUT (branch W), and for objects that
    belong to a person (the member's own record, the applicant's dossier, anyone's reminders and
    tokens) the actor's ``own`` one."""

    inside: models.Model
    outside: models.Model
    own: dict[str, models.Model] = field(default_factory=dict)
    owned: bool = False  # True: only its owner reaches it; "in scope" means "my own"


@dataclass
class World:
    institution: Institution
    users: dict[str, User | None]
    clients: dict[str, Client]
    subjects: dict[str, Subject]
    units: dict[str, models.Model]


def _payment_order(member: models.Model) -> models.Model:
    from tests.isolation.cases_dues_pay import payment_order

    return payment_order(member)


def _payment_mismatch(branch: models.Model, marker: str) -> models.Model:
    from tests.isolation.cases_dues_pay import payment_mismatch

    return payment_mismatch(branch, marker)


def _tree() -> dict[str, models.Model]:
    from services.organization.models import OrgUnit
    from tests.factories import OrgUnitFactory

    root = OrgUnitFactory(name="MX-root", kind=OrgUnit.Kind.COMMITTEE)
    college_y = OrgUnitFactory(name="MX-college-Y", kind=OrgUnit.Kind.SECOND_LEVEL, parent=root)
    college_z = OrgUnitFactory(name="MX-college-Z", kind=OrgUnit.Kind.SECOND_LEVEL, parent=root)
    branch_x = OrgUnitFactory(name="MX-IN-org_unit", kind=OrgUnit.Kind.BRANCH, parent=college_y)
    branch_w = OrgUnitFactory(name="MX-OUT-org_unit", kind=OrgUnit.Kind.BRANCH, parent=college_z)
    return {"root": root, "Y": college_y, "Z": college_z, "X": branch_x, "W": branch_w}


def _people(
    units: dict[str, models.Model], institution: Institution
) -> tuple[dict[str, User | None], dict[str, models.Model]]:
    from services.organization.models import AdminGrant, Position
    from tests.factories import MemberFactory

    users: dict[str, User | None] = {"anonymous": None}
    for name in TENANT_ACTORS:
        users[name] = make_user(institution, username=f"mx_{name}")
    for name in PLATFORM_ACTORS:
        users[name] = make_user(None, username=f"mx_{name}", platform_role=name, is_staff=name == "operator")
    own_member = MemberFactory(name="MX-SELF-member", branch=units["X"], user=users["member"])
    secretary = MemberFactory(name="MX-secretary", branch=units["X"], user=users["secretary"])
    Position.objects.create(member=secretary, unit=units["X"], kind=Position.Kind.SECRETARY, started_on="2025-01-01")
    AdminGrant.objects.create(user=users["unit_admin"], unit=units["Y"], role=AdminGrant.Role.UNIT_ADMIN)
    AdminGrant.objects.create(
        user=users["institution_admin"], unit=units["root"], role=AdminGrant.Role.INSTITUTION_ADMIN
    )
    return users, {"member": own_member}


# --- subjects: one builder per kind of object, called for IN (branch X) and OUT (branch W) ------


def _member(branch: models.Model, marker: str) -> models.Model:
    from tests.factories import MemberFactory

    return MemberFactory(name=marker, branch=branch)


def _dossier(branch: models.Model, marker: str, user: User | None = None) -> models.Model:
    from services.crypto import blind_index
    from services.development.models import Dossier
    from tests.factories import _national_id

    number = _national_id()
    return Dossier.objects.create(
        name=marker,
        gender="male",
        birth_date=date(1990, 1, 1),
        national_id=number,
        national_id_index=blind_index(number),
        category="student",
        branch=branch,
        applied_on=date(2025, 1, 1),
        user=user,
    )


def _probationary(branch: models.Model, marker: str) -> models.Model:
    from services.development.models import Dossier

    dossier = _dossier(branch, marker)
    Dossier.objects.filter(pk=dossier.pk).update(stage="probationary", probation_ends_on=date(2026, 12, 1))
    return dossier


def _step(branch: models.Model, marker: str) -> models.Model:
    from services.development.models import DossierStep

    dossier = _dossier(branch, marker)
    return DossierStep.objects.create(
        dossier=dossier, code="talk", title=marker, occurred_on=date(2025, 1, 5), note=marker
    )


def _dossier_document(branch: models.Model, marker: str) -> models.Model:
    from services.development.models import DossierDocument

    step = _step(branch, marker)
    document = DossierDocument.objects.create(
        step=step, kind=marker, filename=f"{marker}.pdf", storage_key=f"matrix/{marker}.pdf"
    )
    get_storage().save(document.storage_key, io.BytesIO(b"%PDF-1.4"))
    return document


def _contact(branch: models.Model, marker: str) -> models.Model:
    from services.development.models import DossierContact

    dossier = _dossier(branch, marker)
    member = _member(branch, f"{marker}-contact")
    return DossierContact.objects.create(dossier=dossier, member=member, role="contact", assigned_on=date(2025, 2, 1))


def _position(branch: models.Model, marker: str) -> models.Model:
    from services.organization.models import Position

    member = _member(branch, marker)
    return Position.objects.create(member=member, unit=branch, kind=Position.Kind.ORGANIZATION, started_on="2025-01-01")


def _transfer(branch: models.Model, marker: str) -> models.Model:
    from services.transfers.models import Transfer

    member = _member(branch, marker)
    return Transfer.objects.create(
        member=member,
        kind=Transfer.Kind.EXTERNAL,
        status=Transfer.Status.ISSUED,
        from_branch=branch,
        number=f"{marker}-1",
        to_organization=marker,
        reason=marker,
        issued_on=date.today(),
        valid_until=date.today() + timedelta(days=30),
        pdf_key=f"matrix/{marker}-letter.pdf",
    )


def _with_file(obj: models.Model, key_field: str) -> models.Model:
    get_storage().save(getattr(obj, key_field), io.BytesIO(b"%PDF-1.4"))
    return obj


def _vote(branch: models.Model, marker: str) -> models.Model:
    from services.votes.models import BranchVote

    return BranchVote.objects.create(
        branch=branch, kind=BranchVote.Kind.ADMISSION, meeting_on=date(2025, 6, 3), host=marker, recorder=marker
    )


def _elector(branch: models.Model, marker: str, *, excluded: bool = False) -> models.Model:
    from services.votes.models import Elector

    vote = _vote(branch, marker)
    member = _member(branch, f"{marker}-elector")
    elector = Elector.objects.create(vote=vote, member=member, name=marker, member_status=member.status)
    if excluded:
        Elector.objects.filter(pk=elector.pk).update(
            entitled=False, exclusion=Elector.Exclusion.ABROAD, exclusion_approved_by=marker,
            exclusion_approved_on=date(2025, 6, 1),
        )  # fmt: skip
    return elector


def _document(branch: models.Model | None, marker: str) -> models.Model:
    from services.documents.models import Document, DocumentVersion

    document = Document.objects.create(
        kind=Document.Kind.NOTICE, title=marker, requires_signoff=True, version_count=1, scope_unit=branch
    )
    version = DocumentVersion.objects.create(
        document=document, number=1, filename=f"{marker}.txt", content_type="text/plain", size=1,
        sha256="0" * 64, storage_key=f"matrix/{document.pk}/{marker}.txt",
    )  # fmt: skip
    Document.objects.filter(pk=document.pk).update(current_version=version)
    get_storage().save(version.storage_key, io.BytesIO(b"x"))  # removed with the world (remove_files)
    return document


def _minutes_meeting(branch: models.Model, marker: str) -> models.Model:
    from tests.isolation.cases_orglife_d import minutes_meeting

    return minutes_meeting(branch, marker)


def _minutes_attachment(branch: models.Model, marker: str) -> models.Model:
    from tests.isolation.cases_orglife_d import minutes_attachment

    return minutes_attachment(branch, marker)


def _appraisal(branch: models.Model, marker: str) -> models.Model:
    """The branch's democratic appraisal, open, with the branch's people at build time as subjects."""
    from django.utils import timezone

    from services.members.models import Member
    from services.orglife.models import Appraisal, AppraisalSubject, Meeting

    starts = timezone.now()
    meeting = Meeting.objects.create(
        unit=branch, kind=Meeting.Kind.APPRAISAL, topic=marker, starts_at=starts, ends_at=starts + timedelta(hours=2)
    )
    appraisal = Appraisal.objects.create(branch=branch, year=2026, rating_closes_on=date(2099, 1, 1), meeting=meeting)
    for member in Member.objects.filter(branch=branch):
        AppraisalSubject.objects.create(appraisal=appraisal, member=member, name=member.name)
    return appraisal


def _life_meeting(branch: models.Model, marker: str) -> models.Model:
    from django.utils import timezone

    from services.orglife.models import Meeting
    from services.orglife.services import meeting_create

    starts = timezone.now()
    return meeting_create(  # with its list: the branch's people at build time
        acting_user=None, unit=branch, kind=Meeting.Kind.LIFE_MEETING, topic=marker, starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )  # fmt: skip


def _meeting(branch: models.Model, marker: str) -> models.Model:
    """A planned member meeting in three days, every member of the branch on its list."""
    from services.members.models import Member
    from services.orglife.models import Attendee, Meeting

    starts = timezone.now() + timedelta(days=3)
    meeting = Meeting.objects.create(
        unit=branch, kind=Meeting.Kind.MEMBER_MEETING, topic=marker, starts_at=starts,
        ends_at=starts + timedelta(hours=2), place=marker,
    )  # fmt: skip
    Attendee.objects.bulk_create(
        Attendee(meeting=meeting, member=member, name=member.name) for member in Member.objects.filter(branch=branch)
    )
    return meeting


def _checkin_meeting(branch: models.Model, marker: str) -> models.Model:
    """A meeting whose check-in is open, its list the branch's members now."""
    from django.utils import timezone

    from services.members.models import Member
    from services.orglife.models import Attendee, Meeting

    starts = timezone.now() - timedelta(minutes=10)
    meeting = Meeting.objects.create(
        unit=branch,
        kind=Meeting.Kind.MEMBER_MEETING,
        topic=marker,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    Attendee.objects.bulk_create(
        Attendee(meeting=meeting, member=member, name=member.name) for member in Member.objects.filter(branch=branch)
    )
    return meeting


def _leave_attendee(branch: models.Model, marker: str) -> models.Model:
    from services.orglife.models import Attendee

    return Attendee.objects.create(
        meeting=_meeting(branch, f"{marker}-meeting"), name=marker, leave=Attendee.Leave.REQUESTED, leave_reason=marker
    )


def _checkin_attendee(branch: models.Model, marker: str) -> models.Model:
    from services.orglife.models import Attendee

    meeting = _checkin_meeting(branch, marker)
    member = _member(branch, f"{marker}-attendee")
    return Attendee.objects.create(meeting=meeting, member=member, name=marker)


def _study() -> ModuleType:
    import tests.isolation.cases_study as study

    return study


def _dues_entry(branch: models.Model, marker: str) -> models.Model:
    from tests.isolation.cases_dues_a import dues_entry

    return dues_entry(branch, marker)


# --- dues (part D): arrears, disclosure, use --------------------------------------------------------


def dues_arrears_member(branch: models.Model, marker: str) -> models.Model:
    """A member of ``branch`` whose bill for last month is unpaid."""
    from django.utils import timezone

    from services.dues.arrears import month_before
    from services.dues.models import Entry, Month

    member = _member(branch, marker)
    year, month = month_before(timezone.localdate())
    booked, _ = Month.objects.get_or_create(year=year, month=month)
    Entry.objects.create(
        member=member, unit=branch, kind=Entry.Kind.BILL, year=year, month=month, booked=booked, amount=10
    )
    return member


def dues_arrears_case(branch: models.Model, marker: str) -> models.Model:
    from services.dues.models import ArrearsCase

    return ArrearsCase.objects.create(member=_member(branch, marker), unit=branch, months=[[2026, 1]])


def dues_disclosure(branch: models.Model, marker: str) -> models.Model:
    """A published disclosure of ``branch``; its snapshot (what members read) carries the marker."""
    from services.dues.disclosure import disclosure_figures
    from services.dues.models import Disclosure

    snapshot = {**disclosure_figures(unit=branch, year=2026), "unit": marker}
    return Disclosure.objects.create(unit=branch, year=2026, snapshot=snapshot)


def dues_reduction(branch: models.Model, marker: str) -> models.Model:
    """A member's request waiting for the branch's step; the member is named ``marker``."""
    from services.dues.models import Reduction

    return Reduction.objects.create(
        member=_member(branch, marker),
        kind="exempt",
        starts_on=date(2030, 1, 1),
        ends_on=date(2030, 1, 1),
        reason=marker,
    )


def _dues_use_entry(branch: models.Model, marker: str) -> models.Model:
    from services.dues.models import UseEntry

    return UseEntry.objects.create(
        unit=branch, spent_on=date(2026, 1, 5), purpose="training", amount=1, description=marker
    )


def _base_declaration(branch: models.Model, marker: str) -> models.Model:
    from services.dues.models import BaseDeclaration

    member = _member(branch, f"{marker}-declarer")
    return BaseDeclaration.objects.create(
        member=member, monthly_base=Decimal("5000"), starts_on=date(2027, 1, 1), reason=marker
    )


def _openness_item(branch: models.Model, marker: str) -> models.Model:
    from services.openness.models import BoardItem

    return BoardItem.objects.create(kind="notice", unit=branch, title=marker, published_on=date(2026, 1, 1))


def _exams():  # type: ignore[no-untyped-def]
    from tests.isolation import cases_exams

    return cases_exams


BRANCH_SUBJECTS: dict[str, Callable[..., models.Model]] = {
    "member": _member,
    "dossier": _dossier,
    "step": _step,
    "dossier_document": _dossier_document,
    "contact": _contact,
    "position": _position,
    "transfer": lambda branch, marker: _with_file(_transfer(branch, marker), "pdf_key"),
    "probationary_dossier": _probationary,
    "vote": _vote,
    "elector": _elector,
    "excluded_elector": lambda branch, marker: _elector(branch, marker, excluded=True),
    "document": _document,
    "minutes_meeting": _minutes_meeting,
    "minutes_attachment": _minutes_attachment,
    "appraisal": _appraisal,
    "life_meeting": _life_meeting,
    "meeting": _meeting,
    "leave_attendee": _leave_attendee,
    "checkin_meeting": _checkin_meeting,
    "checkin_attendee": _checkin_attendee,
    "payment_order": lambda branch, marker: _payment_order(_member(branch, marker)),
    "payment_mismatch": lambda branch, marker: _payment_mismatch(branch, marker),
    "dues_entry": _dues_entry,
    "dues_arrears_member": dues_arrears_member,
    "dues_arrears_case": dues_arrears_case,
    "dues_disclosure": dues_disclosure,
    "dues_use_entry": _dues_use_entry,
    "dues_reduction": dues_reduction,
    "base_declaration": _base_declaration,
    "openness_item": _openness_item,
    "survey": lambda branch, marker: cases_surveys.survey_of(branch, marker),
    "survey_section": lambda branch, marker: cases_surveys.section_of(branch, marker),
    "survey_question": lambda branch, marker: cases_surveys.question_of(branch, marker),
    "thought_report": lambda branch, marker: _thought_reports().thought_report(branch, marker),
    "thought_report_attachment": lambda branch, marker: _thought_reports().thought_report_attachment(branch, marker),
    "exam": lambda branch, marker: _exams().exam(branch, marker),
    "exam_question": lambda branch, marker: _exams().exam_question(branch, marker),
    "exam_answer": lambda branch, marker: _exams().exam_answer(branch, marker),
    "study_training": lambda branch, marker: _study().branch_training(branch, marker),
    "standards_assessment": lambda branch, marker: _standards().assessment_of(branch, marker),
    "standards_evidence": lambda branch, marker: _standards().evidence_of(branch, marker),
}


def _standards() -> Any:
    from tests.isolation import cases_standards

    return cases_standards


def _thought_reports() -> Any:
    from tests.isolation import cases_thought_reports

    return cases_thought_reports


# --- subjects that belong to a person: each signed-in actor has one, IN means "my own" ------------


def _reminder(owner: User, marker: str) -> models.Model:
    from services.reminders.models import Reminder

    return Reminder.objects.create(
        recipient=owner, key=f"matrix:{marker}", source="matrix", kind="matrix", title=marker, due_on=date(2026, 1, 1)
    )


def _token(owner: User, marker: str) -> models.Model:
    token, _ = api_token_create(user=owner, name=marker)
    return token


def _import_job(owner: User, marker: str) -> models.Model:
    from services.members.models import ImportJob

    job = ImportJob.objects.create(
        created_by=owner,
        filename=f"{marker}.xlsx",
        file_key=f"x/{marker}.xlsx",
        errors=[{"row": 2, "message": marker}],
        error_report_key=f"matrix/{marker}-errors.xlsx",
    )
    return _with_file(job, "error_report_key")


def _payroll_job(owner: User, marker: str) -> models.Model:
    from services.members.models import ImportJob

    job = ImportJob.objects.create(
        kind="dues_payroll",
        created_by=owner,
        filename=f"{marker}.xlsx",
        file_key=f"x/{marker}.xlsx",
        errors=[{"row": 2, "message": marker}],
        error_report_key=f"matrix/{marker}-errors.xlsx",
    )
    return _with_file(job, "error_report_key")


def _batch(owner: User, marker: str) -> models.Model:
    from services.transfers.models import BatchTransfer

    return BatchTransfer.objects.create(
        destination=BatchTransfer.Destination.EXTERNAL, to_organization=marker, reason=marker, created_by=owner
    )


def _slip_job(owner: User, marker: str) -> models.Model:
    """A run of activation slips for branch X (the PDF holds codes: only its issuer opens it)."""
    from services.activation.models import SlipJob
    from services.organization.models import OrgUnit

    return SlipJob.objects.create(
        created_by=owner, unit=OrgUnit.objects.get(name="MX-IN-org_unit"), valid_days=14, total=1
    )


OWNED_SUBJECTS: dict[str, Callable[[User, str], models.Model]] = {
    "reminder": _reminder,
    "slip_job": _slip_job,
    "token": _token,
    "import_job": _import_job,
    "payroll_job": _payroll_job,
    "batch": _batch,
}


def _owned(users: dict[str, User | None], name: str, make: Callable[[User, str], models.Model]) -> Subject:
    """Each signed-in actor of the institution owns one; OUT is a stranger's (an account with no role)."""
    own = {actor: make(user, f"MX-IN-{name}-{actor}") for actor, user in users.items() if actor in TENANT_ACTORS}
    stranger = User.objects.create(username=f"mx_stranger_{name}")
    outside = make(stranger, f"MX-OUT-{name}")
    return Subject(inside=outside, outside=outside, own=own, owned=True)


# --- subjects of the institution as a whole: IN and OUT are the same object ---------------------


def _incoming(marker: str) -> models.Model:
    from services.transfer_exchange.models import ExchangeLetter
    from services.transfers.common import current_institution
    from services.transfers.models import IncomingLetter

    institution = current_institution()
    letter = ExchangeLetter.objects.create(
        number=f"{marker}-{institution.code}-{uuid.uuid4().hex[:6]}", to_institution=institution,
        from_institution_name="某学校", from_branch_name="某支部", to_institution_name=institution.name,
        person_name=marker, issued_on=date.today(), valid_until=date.today() + timedelta(days=30),
    )  # fmt: skip
    return IncomingLetter.objects.create(letter_id=letter.pk)


def _meeting_local_step(marker: str) -> models.Model:
    from services.orglife.models import LocalMeetingStep
    from services.procedures.models import MeetingStep

    return LocalMeetingStep.objects.create(after_step=MeetingStep.objects.order_by("pk").first(), title=marker)


def _local_step(marker: str) -> models.Model:
    from services.development.models import LocalStep
    from services.procedures.models import TemplateStep

    return LocalStep.objects.create(
        after_step=TemplateStep.objects.order_by("pk").first(), title=marker, documents=[marker]
    )


def _rule_override(marker: str) -> models.Model:
    from services.rule_overrides.models import RuleOverride

    return RuleOverride.objects.create(
        key="branch.max_members", value=40, effective_from=date(2020, 1, 1), reason=marker
    )


def _admin_grant(marker: str) -> models.Model:
    """College Z's admin: an account named ``marker`` (none of the actors)."""
    from services.organization.models import AdminGrant, OrgUnit

    holder = User.objects.create(username=marker, display_name=marker)
    return AdminGrant.objects.create(
        user=holder, unit=OrgUnit.objects.get(name="MX-college-Z"), role=AdminGrant.Role.UNIT_ADMIN,
        starts_on=date(2020, 1, 1),
    )  # fmt: skip


def _dues_month(marker: str) -> models.Model:
    from services.dues.models import Month

    month, _ = Month.objects.get_or_create(year=2026, month=11)
    return month


INSTITUTION_SUBJECTS: dict[str, Callable[[str], models.Model]] = {
    "admin_grant": _admin_grant,
    "dues_month": _dues_month,
    "incoming": _incoming,
    "local_step": _local_step,
    "meeting_local_step": _meeting_local_step,
    "rule_override": _rule_override,
    "study_course": lambda marker: _study().study_course(marker),
    "study_material": lambda marker: _study().study_material(marker),
    "standards_local_system": lambda marker: _standards().local_system_of(marker),
}


def _indicator_system() -> models.Model:
    from services.standards.models import IndicatorSystem

    return IndicatorSystem.objects.create(name="MX-IN-indicator_system", year=2026)


def build_world(institution: Institution) -> World:
    """Everything the matrix needs, in ``institution``'s schema (and two public-schema users)."""
    with in_schema(institution):
        units = _tree()
        users, own_records = _people(units, institution)
        subjects: dict[str, Subject] = {}
        for name, make in BRANCH_SUBJECTS.items():
            subjects[name] = Subject(
                inside=make(units["X"], f"MX-IN-{name}"), outside=make(units["W"], f"MX-OUT-{name}")
            )
        subjects["member"].own["member"] = own_records["member"]
        subjects["payment_order"].own["member"] = _payment_order(own_records["member"])
        subjects["study_training"].own["member"] = _study().study_training(own_records["member"], "MX-SELF-training")
        subjects["dossier"].own["applicant"] = _dossier(units["X"], "MX-SELF-dossier", user=users["applicant"])
        _thought_reports().own_reports(subjects, users, units)
        subjects["org_unit"] = Subject(inside=units["X"], outside=units["W"])
        for name, make_owned in OWNED_SUBJECTS.items():
            subjects[name] = _owned(users, name, make_owned)
        for name, make_one in INSTITUTION_SUBJECTS.items():
            one = make_one(f"MX-IN-{name}")
            subjects[name] = Subject(inside=one, outside=one)
    with in_schema("public"):  # a document the committee published to every institution
        published = _document(None, "MX-IN-committee_document")
    subjects["committee_document"] = Subject(inside=published, outside=published)
    with in_schema("public"):  # an indicator system the committee keeps (an empty draft)
        system = _indicator_system()
    subjects["indicator_system"] = Subject(inside=system, outside=system)
    target = make_user(None, username="mx_target", platform_role="committee")
    subjects["platform_user"] = Subject(inside=target, outside=target)  # a console account to act on
    clients = {"anonymous": Client()}
    for name in TENANT_ACTORS:
        clients[name] = client_for(institution, users[name])
    for name in PLATFORM_ACTORS:
        clients[name] = client_for(None, users[name])
    for client in clients.values():
        client.raise_request_exception = False  # a 500 is an outcome like any other, reported per cell
    return World(institution=institution, users=users, clients=clients, subjects=subjects, units=units)


def remove_files(world: World) -> None:
    """The world's stored files (documents, letters, error reports): storage is not rolled back
    with the database."""
    for schema in (world.institution, "public"):
        with in_schema(schema):
            get_storage().delete_prefix("matrix/")
