"""规则设置: the rules in force today with their source and citation, for everyone signed in (the
rule set is not personal data); institution administrators add an override here."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from services.accounts.models import User
from services.kernel.web import run_service
from services.organization.scope import scope_for
from services.rule_overrides.services import rule_override_set

from .forms import OverrideForm
from .resolver import rules_in_force


@login_required
@require_http_methods(["GET", "POST"])
def rules_page(request: HttpRequest) -> HttpResponse:
    is_admin = scope_for(request.user).everything
    form = OverrideForm(request.POST or None) if is_admin else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            done = run_service(
                request,
                lambda: rule_override_set(
                    key=data["key"],
                    value=data["value"],
                    effective_from=data["effective_from"],
                    reason=data["reason"],
                    acting_user=cast(User, request.user),
                ),
                form=form,
                success=_("规则调整已保存。"),
                redirect_to="rules:page",
            )
            if done.response:
                return done.response
    today = timezone.localdate()
    return render(
        request,
        "rules/rules.html",
        {"rules": rules_in_force(on=today), "today": today, "form": form, "show_keys": is_admin},
        status=400 if form is not None and form.errors else 200,
    )
