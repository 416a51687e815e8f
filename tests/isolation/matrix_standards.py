"""Matrix rows (``matrix.py``) of standardized-branch building: the committee keeps indicator
systems on the console, operators too; the subject is a draft system in the public schema."""

from __future__ import annotations

from tests.isolation.case import CONSOLE
from tests.isolation.matrix import CONSOLE_SIGNED_IN, Row

SYSTEM = "indicator_system"

MATRIX: dict[tuple[str, str], Row] = {
    # An empty body: the create form is shown again, the import says no file was chosen.
    (CONSOLE, "console:standards_systems"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "console:standards_import"): Row(CONSOLE_SIGNED_IN),
    (CONSOLE, "console:standards_system"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    (CONSOLE, "console:standards_settings"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    (CONSOLE, "console:standards_node"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    # The subject is an empty draft: publishing it is refused with its problems (a redirect).
    (CONSOLE, "console:standards_publish"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    # An empty body would copy the system for real.
    (CONSOLE, "console:standards_new_version"): Row(CONSOLE_SIGNED_IN, SYSTEM, writes_allowed=False),
    (CONSOLE, "console:standards_delete"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    (CONSOLE, "console:standards_export"): Row(CONSOLE_SIGNED_IN, SYSTEM),
    (CONSOLE, "console:standards_preview"): Row(CONSOLE_SIGNED_IN, SYSTEM),
}
