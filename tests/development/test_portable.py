"""The dossier's portable fields (services/development/portable.py): every field of a dossier, its
steps and its documents is either carried by a transfer or declared local with what becomes of it,
so a new field cannot be forgotten by the transfer move."""

from __future__ import annotations

import pytest
from django.db import models

from services.development import portable
from services.development.models import Dossier, DossierDocument, DossierStep

CASES = [
    (Dossier, portable.KEPT_DOSSIER_FIELDS, portable.LOCAL_DOSSIER_FIELDS),
    (DossierStep, portable.KEPT_STEP_FIELDS, portable.LOCAL_STEP_FIELDS),
    (DossierDocument, portable.KEPT_DOCUMENT_FIELDS, portable.LOCAL_DOCUMENT_FIELDS),
]


@pytest.mark.parametrize(("model", "kept", "local"), CASES, ids=["dossier", "step", "document"])
def test_every_field_is_portable_or_local(
    model: type[models.Model], kept: tuple[str, ...], local: dict[str, str]
) -> None:
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    unclassified = [f.name for f in fields if f.attname not in kept and f.name not in local]
    assert not unclassified, f"{model.__name__}: say in services/development/portable.py whether {unclassified} travel"
    both = [f.name for f in fields if f.attname in kept and f.name in local]
    assert not both
    known = {f.attname for f in fields} | {f.name for f in fields}
    assert not (set(kept) | set(local)) - known, "portable.py names a field the model does not have"
    assert all(reason.strip() for reason in local.values())
