"""我的党费: the member's own dues page (phone first), and the declaration of a changed base.
Reads mine.py; the declaration is declarations.py's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from services.kernel.web import run_service

from . import declarations, mine
from .base_forms import DeclarationForm


@login_required
def mine_page(request: HttpRequest) -> HttpResponse:
    dues = mine.my_dues(acting_user=request.user)
    mine_declarations = declarations.my_declarations(member=dues.member) if dues.member else []
    return render(request, "dues/mine.html", {"dues": dues, "declarations": mine_declarations})


@login_required
def declare_page(request: HttpRequest) -> HttpResponse:
    member = mine.my_member(acting_user=request.user)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: declarations.declaration_submit(acting_user=request.user, **form.cleaned_data),
            form=form,
            success=_("申报已提交，支部确认后生效。"),
            redirect_to="dues_mine:page",
        )
        if done.response:
            return done.response
    return render(request, "dues/mine_declare.html", {"form": form, "member": member})
