"""我的党费: the member's own dues page (phone first). Reads mine.py; the declaration of a changed
base is posted here too (declarations.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import mine


@login_required
def mine_page(request: HttpRequest) -> HttpResponse:
    dues = mine.my_dues(acting_user=request.user)
    return render(request, "dues/mine.html", {"dues": dues})
