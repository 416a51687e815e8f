"""The member record's field schema, in one place: for each field of ``Member``, which ways in and
out carry it, and the one way a sensitive value is masked.

Every field of the model is either declared here (``FIELDS``, in the model's order) or listed in
``INTERNAL`` with the reason nothing carries it; tests/members/test_record_schema.py fails on a
field that is in neither. What each flag feeds:

- ``editable``: the page form, the API's write serializer and ``services.member_create`` /
  ``member_update`` (``EDITABLE``). Status is not editable: it changes through the state machine
  (``services.member_status_change``).
- ``mask``: sensitive, encrypted at rest (``services.crypto``) and shown masked everywhere (lists,
  the record page, the API, the history, the masked roster); ``mask()`` below is the one masking
  function and ``services.member_reveal`` the one audited way to see the value in clear.
- ``imported``: written by the roster import (``imports/writing.py``); the file's columns are
  ``imports/columns.py``.
- ``exported``: written in the roster file (masked, or in full for the members a manager manages:
  ``exports.py``), which is the importer's format, so it imports back.
- ``carried``: copied to the receiving institution's new record by a transfer
  (services/transfers/moves.py). The number, status and branch are the receiver's own.
- ``api``: read by the API (``api.MemberSerializer``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import national_id
from .validation import mask_phone


@dataclass(frozen=True)
class RecordField:
    name: str
    editable: bool = False
    mask: Callable[[str], str] | None = None  # sensitive: how its value is shown masked
    imported: bool = False
    exported: bool = False
    carried: bool = False
    api: bool = False


def _everywhere(name: str, *, mask: Callable[[str], str] | None = None) -> RecordField:
    """The usual record field: edited on the form and the API, imported and exported, carried on
    a transfer, read by the API."""
    return RecordField(name, editable=True, mask=mask, imported=True, exported=True, carried=True, api=True)


FIELDS: tuple[RecordField, ...] = (
    _everywhere("name"),
    _everywhere("gender"),
    _everywhere("ethnicity"),
    _everywhere("birth_date"),
    _everywhere("national_id", mask=national_id.mask),  # 3701**********1234
    # The keyed blind index of the ID number (services.crypto.blind_index): computed by whoever
    # writes the number, never shown; the import and the transfer write it with the number.
    RecordField("national_id_index", imported=True, carried=True),
    # The blind index of the number's last six characters (self-activation compares it): the
    # model computes it from the number on every insert and save; the import writes it with the
    # number, a transfer carries it with the number.
    RecordField("national_id_tail_index", imported=True, carried=True),
    _everywhere("phone", mask=mask_phone),  # 138****0001
    _everywhere("native_place"),
    _everywhere("education"),
    _everywhere("degree"),
    _everywhere("category"),
    # The student/staff number is the sending school's: a transfer does not carry it.
    RecordField("number", editable=True, imported=True, exported=True, api=True),
    # Changed through the state machine only; the import sets it on a new record and refuses a
    # change; a transfer sets the receiver's (probationary stays probationary, else normal).
    RecordField("status", imported=True, exported=True, api=True),
    # A transfer puts the member in the letter's target branch.
    RecordField("branch", editable=True, imported=True, exported=True, api=True),
    _everywhere("joined_on"),
    _everywhere("confirmed_on"),
)

# Fields no way in or out carries, and why.
INTERNAL: dict[str, str] = {
    "id": "the primary key: pages and the API name a record by it (API_FIELDS); nothing writes it",
    "user": "the member's login account, linked by the accounts capability; accounts are per institution",
    "party_group": "the party group within the branch, assigned on the branch's groups page (services/orglife)",
    "created_at": "set by the database when the record is written (auto_now_add)",
    "updated_at": "set by the database on every save (auto_now)",
}

EDITABLE: tuple[str, ...] = tuple(field.name for field in FIELDS if field.editable)
SENSITIVE: tuple[str, ...] = tuple(field.name for field in FIELDS if field.mask is not None)
IMPORTED: tuple[str, ...] = tuple(field.name for field in FIELDS if field.imported)
EXPORTED: tuple[str, ...] = tuple(field.name for field in FIELDS if field.exported)
CARRIED: tuple[str, ...] = tuple(field.name for field in FIELDS if field.carried)
API_FIELDS: tuple[str, ...] = ("id", *(field.name for field in FIELDS if field.api))

_MASKS: dict[str, Callable[[str], str]] = {field.name: field.mask for field in FIELDS if field.mask is not None}


def mask(field: str, value: str) -> str:
    """How the sensitive ``field``'s ``value`` is shown wherever it is not revealed: 3701**********1234,
    138****0001; an empty value stays empty. A field that is not sensitive is a KeyError."""
    masking = _MASKS[field]
    return masking(value) if value else ""


def masked(member: Any) -> dict[str, str]:
    """The member's sensitive values masked, as the pages show them: ``masked_national_id``,
    ``masked_phone``."""
    return {f"masked_{name}": mask(name, getattr(member, name)) for name in SENSITIVE}
