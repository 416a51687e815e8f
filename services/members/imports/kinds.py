"""The kinds of import that share the job engine: the member roster (registered by jobs.py) and
the kinds other capabilities register (the dues payroll, services/dues/payroll_import.py), so that
the engine imports none of them.

Every kind goes through the same job: upload, validation on the worker (a preview with row-level
errors and an error report), confirmation, one transaction on the worker that writes every row or
none, the leases and the sweep (leases.py), progress and the pages' polling. What a kind says:

- ``headers``: normalized header (``aliases.header_key``) -> field; reading.py finds the header
  row with it (title rows above it are skipped);
- ``check(sheet=, acting_user=, lock=False)``: the whole sheet against the database -> a plan with
  ``errors`` ([{"row", "column", "message"}]), ``columns`` (which column was read for which
  field), ``creates``, ``updates``, ``unchanged`` and ``rows``. The commit runs it again with
  ``lock=True`` inside its transaction: what changed since the preview is reported, not written;
- ``write(job, plan)``: inside the commit's transaction, a clean plan's rows and its audit row;
- ``column_label(field)``: the field's column in the kind's template, for the preview;
- ``sheet_title``: the error report's sheet; ``refusal``: why someone may not import;
- ``after_commit(job, plan)``: optional, after the transaction (the roster's accounts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from ..models import ImportJob

ROSTER = "roster"


@dataclass(frozen=True)
class ImportKind:
    name: str
    headers: Mapping[str, str]
    check: Callable[..., Any]
    write: Callable[[ImportJob, Any], None]
    column_label: Callable[[str], str]
    sheet_title: str
    refusal: str | Promise
    after_commit: Callable[[ImportJob, Any], None] | None = None


_KINDS: dict[str, ImportKind] = {}


def kind_register(kind: ImportKind) -> ImportKind:
    """Register ``kind`` (its capability's module does, when it is imported: its app's ``ready``)."""
    known = _KINDS.get(kind.name)
    if known is not None and known.check is not kind.check:
        raise ValueError(f"import kind {kind.name!r} registered twice")
    _KINDS[kind.name] = kind
    return kind


def kind_of(job_or_name: ImportJob | str) -> ImportKind:
    name = job_or_name if isinstance(job_or_name, str) else job_or_name.kind
    return _KINDS[name]
