"""Portal pages of reminders: my inbox (open and overdue first, filter by kind, mark read) and
my e-mail preference. Every page answers about the signed-in user's own reminders only; the
institution's administrators also see the reminder sources whose last run failed (runs.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from services.kernel import inputs
from services.organization.scope import scope_for

from . import selectors, services
from .forms import PreferenceForm
from .models import Reminder
from .runs import failing_sources

PAGE_SIZE = 50
STATES = (selectors.OPEN, selectors.RESOLVED, selectors.ALL)
KIND = inputs.Text("kind", max_length=100)
STATE = inputs.choice("state", STATES, default=selectors.OPEN, allow_empty=True)


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the inbox page the form was on (same filters), never to another host."""
    target = request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("reminders:inbox")
    return redirect(target)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    kind = KIND.read(request.GET)
    state = STATE.read(request.GET)
    today = timezone.localdate()
    rows = selectors.reminder_list(user=request.user, kind=kind, state=state, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for reminder in page:
        reminder.kind_label = selectors.kind_label(reminder.kind)  # type: ignore[attr-defined]
    return render(
        request,
        "reminders/inbox.html",
        {
            "page": page,
            "kind": kind,
            "state": state,
            "kinds": selectors.reminder_kinds(user=request.user),
            "unread": selectors.unread_count(user=request.user),
            "preference": selectors.reminder_preference(user=request.user),
            # The institution's administrators also see reminder sources whose last run failed.
            "failing_sources": failing_sources() if scope_for(request.user).everything else [],
            "states": (
                (selectors.OPEN, _("待办")),
                (selectors.RESOLVED, _("已解除")),
                (selectors.ALL, _("全部")),
            ),
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        reminder = selectors.reminder_get(user=request.user, pk=pk)
    except Reminder.DoesNotExist as exc:
        raise Http404 from exc
    services.reminder_mark_read(user=request.user, reminder_ids=[reminder.pk])
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.reminder_mark_read(user=request.user)
    messages.success(request, _("已将 %(n)s 条提醒标为已读。") % {"n": count})
    return _back(request)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST or None, initial={"email": selectors.reminder_preference(user=request.user)})
    if request.method == "POST" and form.is_valid():
        services.reminder_preference_set(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, _("提醒设置已保存。"))
        return redirect("reminders:preferences")
    return render(
        request, "reminders/preferences.html", {"form": form, "has_email": bool(getattr(request.user, "email", ""))}
    )
