"""Isolation cases of 学习 (merged into test_isolation's CASES), and the builders of its matrix
subjects (matrix_world.py registers them): a course, a material with its file, and a member's
external training with its certificate."""

from __future__ import annotations

import io
from datetime import date

from django.db import models

from services.accounts.models import User
from services.storage.backends import get_storage
from tests.isolation.case import TENANT, Case


def study_course(marker: str) -> models.Model:
    from services.study.models import Course

    return Course.objects.create(title=marker)


def study_material(marker: str) -> models.Model:
    from services.study.models import Material

    key = f"matrix/study/{marker}.txt"
    get_storage().save(key, io.BytesIO(marker.encode()))
    return Material.objects.create(
        course=study_course(f"{marker}-course"), title=marker, kind="document", length_minutes=10,
        storage_key=key, filename="material.txt", content_type="text/plain", size=len(marker.encode()),
    )  # fmt: skip


def study_training(member: models.Model, marker: str) -> models.Model:
    from services.study.models import Training

    key = f"matrix/study/{marker}-certificate.pdf"
    get_storage().save(key, io.BytesIO(b"%PDF-1.4"))
    return Training.objects.create(
        member=member, title=marker, organizer="党校", finished_on=date(2026, 1, 5), class_hours=4,
        certificate_key=key, certificate_name="certificate.pdf", certificate_type="application/pdf",
        certificate_size=8,
    )  # fmt: skip


def branch_training(branch: models.Model, marker: str) -> models.Model:
    from tests.factories import MemberFactory

    return study_training(MemberFactory(name=marker, branch=branch), marker)


def _course(owner: User, marker: str) -> models.Model:
    return study_course(marker)


def _material(owner: User, marker: str) -> models.Model:
    return study_material(marker)


def _training(owner: User, marker: str) -> models.Model:
    from tests.factories import MemberFactory

    return study_training(MemberFactory(name=marker), marker)


def _pending(obj: models.Model) -> bool:
    from services.study.models import Training

    return Training.objects.filter(pk=obj.pk, status=Training.Status.PENDING).exists()


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "study:mine"): Case("page"),
    (TENANT, "study:material"): Case("object", factory=_material),
    (TENANT, "study:material_file"): Case("object", factory=_material),
    (TENANT, "study:training"): Case("page", methods=("get", "post")),
    (TENANT, "study:certificate"): Case("object", factory=_training),
    (TENANT, "study:decide"): Case("object", factory=_training, methods=("post",), exists=_pending),
    (TENANT, "study:review"): Case("collection", factory=_training),
    (TENANT, "study:branches"): Case("page"),
    (TENANT, "study:branch"): Case("object", factory=lambda owner, marker: _unit(marker)),
    (TENANT, "study:manage"): Case("page", methods=("get", "post")),
    (TENANT, "study:material_add"): Case("object", factory=_course, methods=("post",)),
    (TENANT, "study:plan_save"): Case("page", methods=("post",)),
    (TENANT, "study-open"): Case("page", methods=("post",)),
    (TENANT, "study-heartbeat"): Case("page", methods=("post",)),
    (TENANT, "study-mine"): Case("page"),
    (TENANT, "study-trainings"): Case("collection", factory=_training, methods=("get", "post")),
    (TENANT, "study-training-decide"): Case("object", factory=_training, methods=("post",), exists=_pending),
    (TENANT, "study-branches"): Case("page"),
}


def _unit(marker: str) -> models.Model:
    from services.organization.models import OrgUnit
    from tests.factories import OrgUnitFactory

    return OrgUnitFactory(name=marker, kind=OrgUnit.Kind.BRANCH)
