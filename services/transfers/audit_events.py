"""The audit events of transfers (services/kernel/audit_events.py). Each row's ``detail`` also
keeps ``action``, the event's code, as rows written before these events existed carry it (under
member.updated, member.status_changed, member.created or development.dossier_created)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

INTERNAL = declare(
    "transfer.internal", label=_("校内转接"), detail="before/after: branch; reason. The target is the member"
)
LETTER_SENT = declare(
    "transfer.letter_sent",
    label=_("开具平台内介绍信"),
    detail="to: the receiving institution's code; letter: its number. The target is the member",
)
LETTER_CANCELLED = declare(
    "transfer.letter_cancelled", label=_("撤回介绍信"), detail="letter: its number. The target is the member"
)
LETTER_ACCEPTED = declare(
    "transfer.letter_accepted",
    label=_("接收转入介绍信"),
    detail="branch: the receiving branch; letter: its number. The target is the exchange letter",
)
LETTER_REJECTED = declare(
    "transfer.letter_rejected",
    label=_("退回转入介绍信"),
    detail="letter, reason. The target is the letter (receiver) or the member (sender)",
)
LETTER_ISSUED = declare(
    "transfer.letter_issued",
    label=_("开具平台外介绍信"),
    detail="to: the receiving organization; letter; after: status and date. The target is the member",
)
STUB_RETURNED = declare(
    "transfer.stub_returned",
    label=_("登记介绍信回执"),
    detail="letter, on (the stub's date), by (the receiving organization). The target is the member",
)
ARRIVED = declare(
    "transfer.arrived",
    label=_("档案转入"),
    detail="from: the sender's code; accepted_by; letter (a record) or member (a development dossier)",
)
MOVED_OUT = declare(
    "transfer.moved_out",
    label=_("档案转出"),
    detail="to: the receiver's code; letter; after: status. The target is the member",
)
