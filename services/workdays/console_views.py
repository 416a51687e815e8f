"""Console pages of the working-day calendar: every published year, and publishing one (platform
operators; the committee may look). Publishing is two steps: check shows what the year would be,
publish writes it (and, over a published year, only with the replacement box ticked)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import selectors
from .forms import PublishForm
from .models import CalendarYear
from .services import CalendarDataError, workdays_publish

CONSOLE_ROLES = frozenset({"operator", "committee"})


def _role(request: HttpRequest) -> str:
    role = getattr(request.user, "platform_role", "")
    if role not in CONSOLE_ROLES:
        raise PermissionDenied(_("只有平台运维人员和市教育工委可以查看工作日历。"))
    return str(role)


@login_required
@never_cache
def calendar_list(request: HttpRequest) -> HttpResponse:
    is_operator = _role(request) == "operator"
    form = PublishForm(request.POST or None, request.FILES or None) if is_operator else None
    preview = None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("只有平台运维人员可以发布工作日历。"))
        if form.is_valid():
            year = form.cleaned_data["year"]
            if request.POST.get("action") == "publish" and not form.needs_confirmation():
                try:
                    workdays_publish(
                        year=year, entries=form.entries, source=form.cleaned_data["source"], acting_user=request.user
                    )
                except CalendarDataError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, _("%(year)s 年节假日安排已发布。") % {"year": year})
                    return redirect("workdays:calendar")
            elif request.POST.get("action") == "publish":
                form.add_error("replace", _("%(year)s 年已经发布过，请勾选确认替换。") % {"year": year})
            preview = selectors.preview(year, form.entries)
    return render(
        request,
        "workdays/console_calendar.html",
        {
            "years": selectors.published_years(),
            "form": form,
            "preview": preview,
            "missing": selectors.missing_next_year(timezone.localdate()),
        },
    )


@login_required
def calendar_csv(request: HttpRequest, year: int) -> HttpResponse:
    _role(request)
    calendar_year = CalendarYear.objects.filter(year=year).first()
    if calendar_year is None:
        raise Http404(_("%(year)s 年的节假日安排尚未发布。") % {"year": year})
    response = HttpResponse(selectors.year_csv(calendar_year), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="workdays-{year}.csv"'
    return response
