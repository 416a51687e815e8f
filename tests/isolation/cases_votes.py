"""Isolation cases for the votes routes (merged into test_isolation's CASES)."""

from __future__ import annotations

from datetime import date

from django.db import models

from services.accounts.models import User
from tests.isolation.case import TENANT, Case


def _vote(owner: User, marker: str) -> models.Model:
    from services.votes.models import BranchVote
    from tests.factories import OrgUnitFactory

    branch = OrgUnitFactory(name=marker)
    return BranchVote.objects.create(
        branch=branch, kind=BranchVote.Kind.ADMISSION, meeting_on=date(2025, 6, 3), host=marker, recorder=marker
    )


def _vote_is_draft(obj: models.Model) -> bool:
    from services.votes.models import BranchVote

    return BranchVote.objects.filter(pk=obj.pk, status=BranchVote.Status.DRAFT).exists()


def _elector(owner: User, marker: str) -> models.Model:
    from services.votes.models import Elector
    from tests.factories import MemberFactory

    vote = _vote(owner, marker)
    member = MemberFactory(name=marker, branch=vote.branch)  # type: ignore[attr-defined]
    return Elector.objects.create(vote=vote, member=member, name=marker, member_status=member.status)


def _excluded_elector(owner: User, marker: str) -> models.Model:
    from services.votes.models import Elector

    elector = _elector(owner, marker)
    Elector.objects.filter(pk=elector.pk).update(
        entitled=False,
        exclusion=Elector.Exclusion.ABROAD,
        exclusion_approved_by=marker,
        exclusion_approved_on=date(2025, 6, 1),
    )
    return elector


def _entitled(obj: models.Model) -> bool:
    from services.votes.models import Elector

    return Elector.objects.filter(pk=obj.pk, entitled=True).exists()


def _still_excluded(obj: models.Model) -> bool:
    from services.votes.models import Elector

    return Elector.objects.filter(pk=obj.pk, entitled=False).exists()


def _dossier(owner: User, marker: str) -> models.Model:
    from tests.factories import OrgUnitFactory
    from tests.votes.conftest import make_dossier

    return make_dossier(OrgUnitFactory(name=marker), name=marker)  # type: ignore[no-any-return]


CASES: dict[tuple[str, str], Case] = {
    # Pages
    (TENANT, "votes:list"): Case("collection", factory=_vote),
    (TENANT, "votes:create"): Case("page", methods=("get", "post")),
    (TENANT, "votes:detail"): Case("object", factory=_vote),
    (TENANT, "votes:record"): Case("object", factory=_vote, methods=("get", "post"), exists=_vote_is_draft),
    (TENANT, "votes:result"): Case("object", factory=_vote),
    (TENANT, "votes:delete"): Case("object", factory=_vote, methods=("get", "post")),
    (TENANT, "votes:elector_exclude"): Case("object", factory=_elector, methods=("post",), exists=_entitled),
    (TENANT, "votes:elector_include"): Case(
        "object", factory=_excluded_elector, methods=("post",), exists=_still_excluded
    ),
    # API
    (TENANT, "vote-list"): Case("collection", factory=_vote, methods=("get", "post")),
    (TENANT, "vote-detail"): Case("object", factory=_vote, methods=("get", "delete")),
    (TENANT, "vote-eligible"): Case("collection", factory=_dossier),
    (TENANT, "vote-record"): Case("object", factory=_vote, methods=("post",), exists=_vote_is_draft),
    (TENANT, "vote-elector-exclude"): Case("object", factory=_elector, methods=("post",), exists=_entitled),
    (TENANT, "vote-elector-include"): Case(
        "object", factory=_excluded_elector, methods=("post",), exists=_still_excluded
    ),
}
