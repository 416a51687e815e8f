"""Documents: notices, study materials, minutes and record attachments, with versions, visibility and read receipts."""

from __future__ import annotations
