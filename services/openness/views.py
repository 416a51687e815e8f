"""The 党务公开 pages (phone first): the board (the items of my units and of the institution,
newest first, by kind), an item, and for managers publishing, withdrawing (after a confirmation)
and the archive. An item the user may not read is a 404; the managers' pages are a 403 for
someone who manages nothing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from services.kernel.web import run_service
from services.organization.scope import scope_for

from . import selectors, services
from .forms import KindFilter, PublishForm, WithdrawForm
from .models import BoardItem


def require_manager(request: HttpRequest) -> None:
    if not scope_for(request.user).is_manager:
        raise PermissionDenied(_("只有组织的管理者可以管理党务公开。"))


def readable(request: HttpRequest, pk: int) -> BoardItem:
    try:
        return selectors.item_get(acting_user=request.user, pk=pk)
    except BoardItem.DoesNotExist:
        raise Http404 from None


def managed(request: HttpRequest, pk: int) -> BoardItem:
    """An item of a unit the user manages: 403 for someone who manages nothing, 404 outside."""
    require_manager(request)
    item = selectors.archive_items(acting_user=request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@login_required
def board(request: HttpRequest) -> HttpResponse:
    kinds = KindFilter(request.GET)
    context = {
        "filter": kinds,
        "items": selectors.board_items(acting_user=request.user, kind=kinds.kind_value())[:200],
        "is_manager": scope_for(request.user).is_manager,
        "today": timezone.localdate(),
    }
    return render(request, "openness/board.html", context)


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = readable(request, pk)
    context = {
        "item": item,
        "on_board": item.on_board(timezone.localdate()),
        "can_withdraw": not item.withdrawn and selectors.can_withdraw(acting_user=request.user, item=item),
    }
    return render(request, "openness/item.html", context)


@login_required
def publish(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    options: dict[str, Any] = {
        "units": list(selectors.publishable_units(acting_user=request.user)[:500]),
        "whole_institution": selectors.manages_institution(acting_user=request.user),
    }
    if request.method != "POST":
        form = PublishForm(initial={"published_on": timezone.localdate()}, **options)
        return render(request, "openness/publish.html", {"form": form})
    form = PublishForm(request.POST, **options)
    if form.is_valid():
        done = run_service(
            request,
            lambda: services.publish_item(acting_user=request.user, **form.service_fields()),
            form=form,
            success=_("已发布到党务公开。"),
            redirect_to=lambda item: reverse("openness:item", kwargs={"pk": item.pk}),
        )
        if done.response:
            return done.response
    return render(request, "openness/publish.html", {"form": form})


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = managed(request, pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.withdraw_item(acting_user=request.user, item=item, reason=form.cleaned_data["reason"]),
            form=form,
            form_field="reason",
            success=_("已撤回，党员不再看到这项公开。"),
            redirect_to=reverse("openness:item", kwargs={"pk": item.pk}),
        )
        if done.response:
            return done.response
    return render(request, "openness/withdraw.html", {"item": item, "form": form})


@login_required
def archive(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    kinds = KindFilter(request.GET)
    context = {
        "filter": kinds,
        "items": selectors.archive_items(acting_user=request.user, kind=kinds.kind_value())[:500],
        "today": timezone.localdate(),
    }
    return render(request, "openness/archive.html", context)
