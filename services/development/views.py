"""Portal pages of development (placeholder until the capability lands)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def board(request: HttpRequest) -> HttpResponse:
    return render(request, "development/board.html")
