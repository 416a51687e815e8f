"""Demo data of votes: a draft admission vote in the demo secretary's branch on its development
targets (the development demo runs first), planned a few days ahead, so the secretary finds a
meeting to prepare (its electorate, exclusions). It is never recorded: a meeting that has not
happened has no result (services/votes/recording.py). Idempotent: nothing is added when the branch
already has a vote."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from services.accounts.models import User
from services.organization.models import Position

from .models import BranchVote
from .selectors import votable_dossiers
from .services import vote_create


def seed_institution(*, institution: Any, rng: random.Random) -> None:
    secretary = User.objects.filter(username="secretary").first()
    member = getattr(secretary, "member", None) if secretary else None
    if secretary is None or member is None:
        return
    position = Position.objects.filter(member=member, kind=Position.Kind.SECRETARY).select_related("unit").first()
    if position is None or BranchVote.objects.filter(branch=position.unit).exists():
        return
    dossiers = list(votable_dossiers(branch=position.unit, kind=BranchVote.Kind.ADMISSION)[:3])
    if not dossiers:
        return
    vote_create(
        branch=position.unit,
        kind=BranchVote.Kind.ADMISSION,
        meeting_on=timezone.localdate() + timedelta(days=rng.randint(3, 10)),
        place="党员活动室",
        host=member.name,
        recorder="组织委员",
        dossiers=dossiers,
        acting_user=secretary,
    )
