"""What a meeting's record is made of, typed: ``VoteInput``, which the record page's form
(``forms.VoteRecordForm``) and the API's serializer (``api.RecordSerializer``) both hand to
``services.vote_record``. The service applies the rules to it and writes; it parses nothing.

The names of the input's parts (``presence_key`` …) are the page's field names and the keys of the
service's ``ValidationError``, so a refusal lands next to the value it is about, on the page and in
the API's 400 body alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class VoteInput:
    """``presence[elector id]``: present / written / absent (an entitled elector left out, or
    another value, is refused by the service); ``written_opinions[elector id][candidate id]``: yes /
    no / abstain, for the electors who handed in a written opinion; ``counts[candidate id]``:
    ``{"yes": n, "no": n, "abstain": n}``, whole numbers, written opinions included."""

    presence: Mapping[int, str]
    counts: Mapping[int, Mapping[str, int]]
    written_opinions: Mapping[int, Mapping[int, str]] = field(default_factory=dict)


def presence_key(elector_id: int) -> str:
    return f"presence-{elector_id}"


def opinion_key(elector_id: int, candidate_id: int) -> str:
    return f"opinion-{elector_id}-{candidate_id}"


def count_key(candidate_id: int, choice: str) -> str:
    """``choice``: yes / no / abstain (or, from the arithmetic, written_yes …: no field of the page)."""
    return f"count-{candidate_id}-{choice}"


def candidate_key(candidate_id: int) -> str:
    """A refusal about the candidate as a whole (its dossier left, or it refuses the outcome)."""
    return f"candidate-{candidate_id}"
