"""Member roster import, on the job engine other imports share (kinds.py): upload -> validate (a
preview with every error of every row) -> confirm -> commit.

The file format is the exporter's (exports.py): one header row of Chinese column names
(``COLUMNS``), Chinese choice labels, dates as YYYY-MM-DD. Files as they really arrive import too:
the national system's export and spreadsheets in its column names, with the synonyms of column
names and values of the alias table (aliases.py), title rows above the header, full-width digits;
the job keeps which column it read for which field, for the preview. People are matched by
national ID number through its blind index: a known number updates that record, an unknown one
creates a record, so importing the same file twice changes nothing the second time.

The file is parsed once, on the worker, when it is validated (openpyxl's read-only parser is
the slowest step of the whole import); the rows are kept next to the upload as text and the
commit checks them again against the database as it is then, under row locks, inside the one
transaction that writes them. Writes are set-based (COPY into a staging table, INSERT … SELECT,
UPDATE … FROM): row-by-row ORM saves manage about 1.4k rows/s, far from 20k rows in 10 s.

Field rules come from validation.py (national ID, phone, identity cross-check); this package only
adds what belongs to a file: columns, labels, dates as typed in spreadsheets, duplicates.

Where each part lives (each module imports only the ones listed before it):
- ``columns.py``: the file format: ``Column``, ``COLUMNS``, ``HEADERS``, choice labels, the limits
  (``MAX_UPLOAD_BYTES``, ``MAX_ROWS``, ...).
- ``aliases.py``: the alias table: the other names of each column and the other words for its
  values, the normalization of headers and cells, and ``ColumnMap`` (which column is read for
  which field).
- ``reading.py``: an uploaded .xlsx / .csv -> ``Sheet`` (``sheet_read``, ``ImportFileError``).
- ``row_checks.py``: the per-row rules (``_Checker``, ``parse_date``).
- ``checking.py``: a whole sheet against the database -> ``Plan`` (``import_check``).
- ``writing.py``: the set-based writes of a plan (COPY into a staging table, INSERT/UPDATE from it).
- ``sheets.py``: spreadsheets for people: the template and the error report.
- ``kinds.py``: what varies between the imports that share this job engine (``ImportKind``: the
  headers, the check, the write); the roster is registered by jobs.py, other capabilities register
  theirs (the dues payroll).
- ``leases.py``: the leases of the worker steps, the sweep that re-queues an orphaned job
  (``jobs_sweep``) and what the page says about it (``job_note``).
- ``jobs.py``: the ``ImportJob`` steps (``import_start`` ... ``import_commit``) and the storage
  keys of its files.

This module re-exports the public names: ``from services.members.imports import X`` keeps working.
Patch a name where it is used (e.g. ``imports.jobs._write_history``), not here.
"""

from __future__ import annotations

from .aliases import (
    DATE_EXAMPLES,
    HEADER_ALIASES,
    VALUE_ALIASES,
    ColumnMap,
    accepted_headers,
    help_rows,
    template_header,
)
from .checking import Plan, Update, import_check
from .columns import (
    COLUMNS,
    ERROR_COLUMN,
    EXTENSIONS,
    HEADER_SEARCH_ROWS,
    HEADERS,
    HELP_SHEET,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    PROGRESS_EVERY,
    TEMPLATE_SHEET,
    Column,
    choice_labels,
    column_format,
)
from .jobs import (
    import_commit,
    import_confirm,
    import_job_get,
    import_job_list,
    import_start,
    import_validate,
)
from .kinds import ROSTER, ImportKind, kind_of, kind_register
from .leases import job_give_up, job_note, jobs_sweep
from .reading import ImportFileError, Progress, Sheet, sheet_read
from .row_checks import parse_date
from .sheets import error_report_write, template_write

__all__ = [
    "COLUMNS",
    "DATE_EXAMPLES",
    "ERROR_COLUMN",
    "EXTENSIONS",
    "HEADERS",
    "HEADER_ALIASES",
    "HEADER_SEARCH_ROWS",
    "HELP_SHEET",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "PROGRESS_EVERY",
    "ROSTER",
    "TEMPLATE_SHEET",
    "VALUE_ALIASES",
    "Column",
    "ColumnMap",
    "ImportFileError",
    "ImportKind",
    "Plan",
    "Progress",
    "Sheet",
    "Update",
    "accepted_headers",
    "choice_labels",
    "column_format",
    "error_report_write",
    "help_rows",
    "import_check",
    "import_commit",
    "import_confirm",
    "import_job_get",
    "import_job_list",
    "import_start",
    "import_validate",
    "job_give_up",
    "job_note",
    "jobs_sweep",
    "kind_of",
    "kind_register",
    "parse_date",
    "sheet_read",
    "template_header",
    "template_write",
]
