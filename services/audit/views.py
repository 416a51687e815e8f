"""The audit log viewer of an institution: for its administrators only (the superuser or an
institution-admin grant). Times are stored in UTC and shown, and filtered by date, in the site's
time zone (TIME_ZONE, Asia/Shanghai by default)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from services.kernel.audit_events import registered
from services.kernel.inputs import supported_day
from services.organization.scope import scope_for

from . import selectors


def event_choices() -> list[tuple[str, Any]]:
    """Every registered event, by code (events of one owner together), after "all"."""
    return [("", _("全部")), *((code, event.label) for code, event in registered().items())]


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(forms.Form):
    event = forms.ChoiceField(label=_("事件"), required=False, choices=event_choices)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput, validators=[supported_day])
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput, validators=[supported_day])
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=50)
    object_id = forms.CharField(label=_("对象 ID"), required=False, max_length=64)

    def to_filter(self) -> selectors.AuditFilter:
        data: dict[str, Any] = {}
        if self.is_bound:
            # A field that does not parse is left out (and shown with its error); the others apply.
            self.is_valid()
            data = self.cleaned_data
        zone = timezone.get_current_timezone()

        def start_of(day: Any) -> datetime | None:
            return datetime.combine(day, time.min, tzinfo=zone) if day else None

        date_to = data.get("date_to")
        return selectors.AuditFilter(
            event=data.get("event") or "",
            actor_username=(data.get("actor") or "").strip(),
            occurred_from=start_of(data.get("date_from")),
            # The whole last day counts: up to (not including) midnight after it.
            occurred_to=start_of(date_to + timedelta(days=1)) if date_to else None,
            object_type=(data.get("object_type") or "").strip(),
            object_id=(data.get("object_id") or "").strip(),
        )


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).everything:
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    page = selectors.audit_event_page(filters=form.to_filter(), cursor=request.GET.get("cursor", ""))
    next_query = ""
    if page.next_cursor:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        next_query = query.urlencode()
    first_query = request.GET.copy()
    first_query.pop("cursor", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "events": page.events,
            "next_query": next_query,
            "first_query": first_query.urlencode(),
            "paged": bool(request.GET.get("cursor")),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )
