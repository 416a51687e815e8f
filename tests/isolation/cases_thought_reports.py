"""Isolation cases of 思想汇报 (merged into test_isolation's CASES), and the builders the role ×
route matrix uses for reports (``matrix_world``: IN in branch X, OUT in branch W; the applicant's
own; one whose contact person is the member)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _dossier(branch: Any, marker: str, user: User | None) -> Any:
    from services.crypto import blind_index
    from services.development.models import Dossier
    from tests.factories import _national_id

    number = _national_id()
    return Dossier.objects.create(
        name=marker, gender="male", birth_date=date(2000, 1, 1), national_id=number,
        national_id_index=blind_index(number), category="student", branch=branch, stage="activist",
        applied_on=date(2025, 1, 1), activist_on=date(2025, 4, 1), user=user,
    )  # fmt: skip


def report_of(dossier: Any, marker: str, *, author: User | None, status: str = "branch") -> models.Model:
    from django.utils import timezone

    from services.thought_reports.models import Report

    return Report.objects.create(
        dossier=dossier, branch=dossier.branch, author=author, author_name=dossier.name, title=marker,
        body=marker, status=status, submitted_at=timezone.now(), first_submitted_at=timezone.now(),
    )  # fmt: skip


def thought_report(branch: Any, marker: str) -> models.Model:
    """A report waiting for the branch, by a person of ``branch`` who is none of the actors."""
    return report_of(_dossier(branch, f"{marker}-writer", None), marker, author=None)


def thought_report_attachment(branch: Any, marker: str) -> models.Model:
    from services.storage.backends import get_storage
    from services.thought_reports.models import Attachment

    report = thought_report(branch, marker)
    key = f"matrix/{marker}.txt"
    get_storage().save(key, io.BytesIO(b"matrix"))
    return Attachment.objects.create(
        report=report, filename=f"{marker}.txt", storage_key=key, content_type="text/plain"
    )


def own_reports(subjects: dict[str, Any], users: dict[str, User | None], units: dict[str, Any]) -> None:
    """The applicant's own report (at the contact step), and a report whose contact person in
    charge is the member: what "self" means for these two actors."""
    from services.development.models import DossierContact
    from services.members.models import Member

    applicant = subjects["dossier"].own["applicant"]
    subjects["thought_report"].own["applicant"] = report_of(
        applicant, "MX-SELF-thought_report", author=users["applicant"], status="contact"
    )
    contacted = _dossier(units["X"], "MX-contacted", None)
    member = Member.objects.get(user=users["member"])
    DossierContact.objects.create(dossier=contacted, member=member, role="contact", assigned_on=date(2025, 4, 1))
    subjects["thought_report"].own["member"] = report_of(
        contacted, "MX-CONTACT-thought_report", author=None, status="contact"
    )


def _mine(owner: User, marker: str) -> models.Model:
    """A report by ``owner`` (a dossier of a new branch linked to the account), waiting for the branch."""
    from tests.factories import OrgUnitFactory

    branch = OrgUnitFactory(name=f"{marker}-branch")
    return report_of(_dossier(branch, marker, owner), marker, author=owner)


def _attachment(owner: User, marker: str) -> models.Model:
    from services.thought_reports.models import Attachment

    report = _mine(owner, marker)
    return Attachment.objects.create(report=report, filename=f"{marker}.txt", storage_key=f"iso/{marker}.txt")


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "thought_reports:mine"): Case("collection", factory=_mine),
    (TENANT, "thought_reports:queue"): Case("collection", factory=_mine),
    (TENANT, "thought_reports:new"): Case("page", methods=("get", "post")),
    (TENANT, "thought_reports:detail"): Case("object", factory=_mine),
    (TENANT, "thought_reports:edit"): Case("object", factory=_mine, methods=("get", "post")),
    (TENANT, "thought_reports:submit"): Case("object", factory=_mine, methods=("post",)),
    (TENANT, "thought_reports:review"): Case("object", factory=_mine, methods=("post",)),
    (TENANT, "thought_reports:annotate"): Case("object", factory=_mine, methods=("post",)),
    (TENANT, "thought_reports:attachment"): Case("object", factory=_attachment),
    (TENANT, "thought-report-list"): Case("collection", factory=_mine, methods=("get", "post")),
    (TENANT, "thought-report-detail"): Case("object", factory=_mine, methods=("get", "patch")),
    (TENANT, "thought-report-submit"): Case("object", factory=_mine, methods=("post",)),
    (TENANT, "thought-report-review"): Case("object", factory=_mine, methods=("post",)),
    (TENANT, "thought-report-annotate"): Case("object", factory=_mine, methods=("post",)),
    (TENANT, "thought-report-queue"): Case("collection", factory=_mine),
    (TENANT, "thought-report-due-dates"): Case("page"),
}
