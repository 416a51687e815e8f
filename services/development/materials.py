"""Materials other capabilities file into a dossier (一人一档): an ideological report (思想汇报)
accepted by the branch becomes a step of its own, already reviewed, with the report as its
document (``dossier_material_file``). The dossier page lists it with the other documents, the
guards read it like any step (``steps_with(dossier, "thought_report")``) and a transfer carries it.
The capability that filed it has already checked who may (services/thought_reports)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .common import EVENT_STEP_RECORDED, _add_step, _audit, _locked
from .models import Dossier, DossierStep
from .services import Upload, _store_documents

THOUGHT_REPORT_STEP = "thought_report"


def dossier_material_file(
    *, dossier: Dossier, occurred_on: date, kind: str, filename: str, content: bytes, note: str, acting_user: Any
) -> DossierStep:
    """File ``content`` as a document of a new, reviewed ``thought_report`` step on ``occurred_on``
    (one audited transaction; joins the caller's)."""
    with transaction.atomic():
        locked = _locked(dossier)
        step = _add_step(
            dossier=locked,
            code=THOUGHT_REPORT_STEP,
            occurred_on=occurred_on,
            acting_user=acting_user,
            note=note,
            review=DossierStep.Review.APPROVED,
        )
        step.title = _("思想汇报")
        step.save(update_fields=["title"])
        upload = Upload(kind=kind, filename=filename, stream=io.BytesIO(content))
        documents = _store_documents(step=step, uploads=[upload], acting_user=acting_user)
        _audit(
            EVENT_STEP_RECORDED,
            actor=acting_user,
            target=step,
            after={"dossier": locked.pk, "code": THOUGHT_REPORT_STEP, "occurred_on": occurred_on.isoformat()},
            detail={"documents": [d.filename for d in documents]},
        )
    return step
