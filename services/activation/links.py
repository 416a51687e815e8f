"""Addresses printed on activation slips."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings

from services.accounts.codes import normalise
from tenants.db import connection

SLIP_PATH = "/accounts/activate/slip/"


def site_address() -> str:
    """The institution's address for links: <scheme>://<code>.<BASE_DOMAIN>[:port] (as the
    reminder e-mails build theirs, services/reminders/delivery.py)."""
    from tenants.models import Institution, institution_domain

    schema = getattr(connection, "schema_name", "")
    code = Institution.objects.filter(schema_name=schema).values_list("code", flat=True).first()
    if not code:
        return ""
    scheme = "https" if settings.HTTPS else "http"
    port = f":{settings.EMAIL_LINK_PORT}" if settings.EMAIL_LINK_PORT else ""
    return f"{scheme}://{institution_domain(code)}{port}"


def slip_link(*, site: str, username: str, code: str) -> str:
    """The activation link a slip's QR code carries: the slip page with the username and the
    code (without its dash) filled in. The one place this address is built."""
    return f"{site}{SLIP_PATH}?{urlencode({'u': username, 'c': normalise(code)})}"
