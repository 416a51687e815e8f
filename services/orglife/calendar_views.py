"""我的会议日历: the page that gives a member their private calendar address, and the feed itself."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from services.kernel.web import run_and_redirect

from . import calendar, ical


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            return run_and_redirect(
                request,
                lambda: calendar.calendar_feed_issue(acting_user=request.user),
                to="orglife_calendar:page",
                success=_("已生成新的订阅地址；旧地址已停用。"),
            )
        if action == "revoke":
            return run_and_redirect(
                request,
                lambda: calendar.calendar_feed_revoke(acting_user=request.user),
                to="orglife_calendar:page",
                success=_("订阅地址已停用，日历应用将不再更新。"),
            )
        return redirect("orglife_calendar:page")
    feed = calendar.calendar_feed_live(user=request.user)
    address = webcal = ""
    if feed is not None:
        address = request.build_absolute_uri(reverse("orglife_calendar:feed", kwargs={"token": feed.token}))
        webcal = "webcal://" + address.split("://", 1)[1]
    return render(request, "orglife/calendar.html", {"feed": feed, "address": address, "webcal": webcal})


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed, opened by its token alone (calendar apps send no session); 404 for any other."""
    feed = calendar.calendar_feed_for(token)
    if feed is None:
        raise Http404
    body = ical.calendar(calendar.calendar_events(user=feed.user), name=_("我的会议"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
