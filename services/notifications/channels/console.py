"""Development SMS: the full text is written to the log (``make run`` shows the code there)."""

from __future__ import annotations

import logging
import uuid

from .base import Outgoing, Receipt

logger = logging.getLogger("services.notifications.console")


class ConsoleSms:
    name = "console"

    def send(self, outgoing: Outgoing) -> Receipt:
        logger.warning("SMS (development console) to %s: %s", outgoing.recipient, outgoing.body)
        return Receipt(provider_message_id=f"console-{uuid.uuid4().hex[:12]}")
