"""Console page of the exchange: how many transfer letters are in flight between institutions.
De-identified (counts only); console users (operators and the municipal committee) only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import selectors

CONSOLE_ROLES = ("operator", "committee")


@login_required
def in_flight(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "platform_role", "") not in CONSOLE_ROLES:
        raise PermissionDenied(_("只有平台运维人员或市教育工委可以查看。"))
    flows = selectors.letters_in_flight()
    return render(
        request,
        "transfer_exchange/in_flight.html",
        {
            "flows": flows,
            "totals": {
                "pending": sum(f.pending for f in flows),
                "moving": sum(f.moving for f in flows),
                "expired": sum(f.expired for f in flows),
            },
        },
    )
