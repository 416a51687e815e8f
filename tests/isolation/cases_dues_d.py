"""Isolation cases for the dues arrears, disclosure and use routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from datetime import date

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _unit(owner: User, marker: str) -> models.Model:
    from tests.factories import OrgUnitFactory

    return OrgUnitFactory(name=marker)


def _arrears_member(owner: User, marker: str) -> models.Model:
    from tests.isolation.matrix_world import dues_arrears_member

    return dues_arrears_member(_unit(owner, f"{marker}-unit"), marker)


def _case(owner: User, marker: str) -> models.Model:
    from tests.isolation.matrix_world import dues_arrears_case

    return dues_arrears_case(_unit(owner, f"{marker}-unit"), marker)


def _disclosure(owner: User, marker: str) -> models.Model:
    from tests.isolation.matrix_world import dues_disclosure

    return dues_disclosure(_unit(owner, f"{marker}-unit"), marker)


def _reduction(owner: User, marker: str) -> models.Model:
    from tests.isolation.matrix_world import dues_reduction

    return dues_reduction(_unit(owner, f"{marker}-unit"), marker)


def _pending(obj: models.Model) -> bool:
    from services.dues.models import Reduction

    return Reduction.objects.filter(pk=obj.pk, status=Reduction.Status.BRANCH).exists()


def _use_entry(owner: User, marker: str) -> models.Model:
    from services.dues.models import UseEntry

    return UseEntry.objects.create(
        unit=_unit(owner, f"{marker}-unit"), spent_on=date(2026, 1, 5), purpose="training", amount=1, description=marker
    )


CASES: dict[tuple[str, str], Case] = {
    (TENANT, "dues_arrears:list"): Case("collection", factory=_case),
    (TENANT, "dues_arrears:case"): Case("object", factory=_case, methods=("get", "post")),
    (TENANT, "dues_disclosure:list"): Case("collection", factory=_disclosure),
    (TENANT, "dues_disclosure:detail"): Case("object", factory=_disclosure),
    (TENANT, "dues_disclosure:pdf"): Case("object", factory=_disclosure),
    (TENANT, "dues_disclosure:unit"): Case("object", factory=_unit),
    (TENANT, "dues_disclosure:publish"): Case("object", factory=_unit, methods=("post",)),
    (TENANT, "dues_disclosure:use_record"): Case("object", factory=_unit, methods=("post",)),
    (TENANT, "dues_disclosure:use_correct"): Case("object", factory=_use_entry, methods=("post",)),
    (TENANT, "dues_reductions:list"): Case("collection", factory=_reduction),
    (TENANT, "dues_reductions:new"): Case("page", methods=("get", "post")),
    (TENANT, "dues_reductions:detail"): Case("object", factory=_reduction),
    (TENANT, "dues_reductions:decide"): Case("object", factory=_reduction, methods=("post",), exists=_pending),
    (TENANT, "dues-reduction-list"): Case("collection", factory=_reduction, methods=("get", "post")),
    (TENANT, "dues-reduction-detail"): Case("object", factory=_reduction),
    (TENANT, "dues-reduction-decide"): Case("object", factory=_reduction, methods=("post",), exists=_pending),
    (TENANT, "dues-arrears"): Case("collection", factory=_arrears_member),
    (TENANT, "dues-arrears-case-list"): Case("collection", factory=_case),
    (TENANT, "dues-arrears-case-detail"): Case("object", factory=_case),
    (TENANT, "dues-arrears-case-record"): Case("object", factory=_case, methods=("post",)),
    (TENANT, "dues-disclosure-list"): Case("collection", factory=_disclosure),
    (TENANT, "dues-disclosure-detail"): Case("object", factory=_disclosure),
    (TENANT, "dues-disclosure-unit"): Case("object", factory=_unit),
    (TENANT, "dues-disclosure-publish"): Case("object", factory=_unit, methods=("post",)),
    (TENANT, "dues-disclosure-use"): Case("object", factory=_unit, methods=("get", "post")),
    (TENANT, "dues-use-correct"): Case("object", factory=_use_entry, methods=("post",)),
}
