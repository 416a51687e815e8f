"""E-mail through Django's mail (SMTP in production, see settings/mail.py)."""

from __future__ import annotations

import smtplib

from django.core.mail import EmailMessage

from .base import DeliveryError, Outgoing, Receipt


class EmailChannel:
    name = "email"

    def send(self, outgoing: Outgoing) -> Receipt:
        message = EmailMessage(outgoing.subject, outgoing.body, None, [outgoing.recipient])
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:  # the address itself is refused
            raise DeliveryError(f"SMTPRecipientsRefused: {exc}", permanent=True, code="recipient_refused") from exc
        except (smtplib.SMTPException, OSError) as exc:  # the server is down or busy: later
            raise DeliveryError(f"{type(exc).__name__}: {exc}", permanent=False, code="smtp") from exc
        return Receipt(provider_message_id=message.extra_headers.get("Message-ID", ""))
