"""The audit events of activation (services/kernel/audit_events.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

SLIPS_ISSUED = declare(
    "activation.slips_issued",
    label=_("签发激活单"),
    detail="unit: the selected unit's id; scope: its label and filters; count; valid_until; job; accounts_made",
)
SLIP_ISSUED = declare(
    "activation.slip_issued",
    label=_("签发激活码"),
    detail="batch: the ActivationBatch id; the target is the user the slip is for (never the code)",
)
SLIPS_DOWNLOADED = declare(
    "activation.slips_downloaded",
    label=_("下载激活单"),
    detail="batch and count; the file is deleted from storage once downloaded",
)
