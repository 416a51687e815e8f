"""Development SMS: the full text is written to the log (``make run`` shows the code there)."""

from __future__ import annotations

import logging
import uuid

from ..outbox import mask_address
from .base import Outgoing, Receipt

# The logger operators know from the activation docs: `make run` shows it in the worker's log.
logger = logging.getLogger("partycloud.sms")


class ConsoleSms:
    name = "console"

    def send(self, outgoing: Outgoing) -> Receipt:
        logger.warning("SMS (development console) to %s: %s", mask_address("sms", outgoing.recipient), outgoing.body)
        return Receipt(provider_message_id=f"console-{uuid.uuid4().hex[:12]}")
