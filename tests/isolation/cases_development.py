"""Isolation cases for the development routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from datetime import date

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _dossier(owner: User, marker: str) -> models.Model:
    from services.crypto import blind_index
    from services.development.models import Dossier
    from services.organization.models import OrgUnit
    from tests.factories import OrgUnitFactory, _national_id

    branch = OrgUnitFactory(kind=OrgUnit.Kind.BRANCH)
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
    )


def _step(owner: User, marker: str) -> models.Model:
    from services.development.models import DossierStep

    dossier = _dossier(owner, marker)
    return DossierStep.objects.create(
        dossier=dossier, code="talk", title=marker, occurred_on=date(2025, 1, 5), note=marker
    )


def _step_pending(obj: models.Model) -> bool:
    from services.development.models import DossierStep

    return DossierStep.objects.filter(pk=obj.pk, review=DossierStep.Review.RECORDED).exists()


def _document(owner: User, marker: str) -> models.Model:
    from services.development.models import DossierDocument

    step = _step(owner, marker)
    return DossierDocument.objects.create(
        step=step, kind=marker, filename=f"{marker}.pdf", storage_key=f"x/{marker}.pdf"
    )


def _contact(owner: User, marker: str) -> models.Model:
    from services.development.models import DossierContact
    from tests.factories import MemberFactory

    dossier = _dossier(owner, marker)
    member = MemberFactory(name=marker, branch=dossier.branch)
    return DossierContact.objects.create(dossier=dossier, member=member, role="contact", assigned_on=date(2025, 2, 1))


def _contact_open(obj: models.Model) -> bool:
    from services.development.models import DossierContact

    return DossierContact.objects.filter(pk=obj.pk, ended_on__isnull=True).exists()


def _local_step(owner: User, marker: str) -> models.Model:
    from services.development.models import LocalStep
    from services.procedures.models import TemplateStep

    return LocalStep.objects.create(
        after_step=TemplateStep.objects.order_by("pk").first(), title=marker, documents=[marker]
    )


def _local_step_active(obj: models.Model) -> bool:
    from services.development.models import LocalStep

    return LocalStep.objects.filter(pk=obj.pk, active=True).exists()


def _dossier_unchanged(obj: models.Model) -> bool:
    from services.development.models import Dossier

    return Dossier.objects.filter(pk=obj.pk, stage="applicant").exists()


CASES: dict[tuple[str, str], Case] = {
    # Pages
    (TENANT, "development:board"): Case("collection", factory=_dossier),
    (TENANT, "development:create"): Case("page", methods=("get", "post")),
    (TENANT, "development:template"): Case("collection", factory=_local_step, methods=("get", "post")),
    (TENANT, "development:local_step_toggle"): Case(
        "object", factory=_local_step, methods=("post",), exists=_local_step_active
    ),
    (TENANT, "development:dossier"): Case("object", factory=_dossier),
    (TENANT, "development:step_record"): Case("object", factory=_dossier, methods=("get", "post")),
    (TENANT, "development:contact_assign"): Case("object", factory=_dossier, methods=("post",)),
    (TENANT, "development:advance"): Case(
        "object", factory=_dossier, methods=("get", "post"), exists=_dossier_unchanged
    ),
    (TENANT, "development:probation_extend"): Case("object", factory=_dossier, methods=("get", "post")),
    (TENANT, "development:end"): Case("object", factory=_dossier, methods=("get", "post"), exists=_dossier_unchanged),
    (TENANT, "development:step_review"): Case("object", factory=_step, methods=("post",), exists=_step_pending),
    (TENANT, "development:document"): Case("object", factory=_document),
    (TENANT, "development:contact_end"): Case("object", factory=_contact, methods=("post",), exists=_contact_open),
    # API
    (TENANT, "development-dossier-list"): Case("collection", factory=_dossier, methods=("get", "post")),
    (TENANT, "development-dossier-detail"): Case("object", factory=_dossier),
    (TENANT, "development-dossier-steps"): Case("object", factory=_dossier, methods=("get", "post")),
    (TENANT, "development-dossier-guards"): Case("object", factory=_dossier),
    (TENANT, "development-dossier-advance"): Case(
        "object", factory=_dossier, methods=("post",), exists=_dossier_unchanged
    ),
    (TENANT, "development-step-review"): Case("object", factory=_step, methods=("post",), exists=_step_pending),
}
