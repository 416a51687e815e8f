"""Minutes pages (phone first): the minutes of a meeting (read, with the addenda beside the
original and the form to add one), the editor with the checklist, attachments, the confirmation
page (host and recorder, a checkbox to confirm), and the PDFs of one meeting and a branch's year.

A meeting outside what the user may read is a 404; a write by someone who may read but not
write is refused by the service (a message, or 403), and nothing changes.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from services.kernel.inputs import ascii_int
from services.kernel.web import run_and_redirect
from services.organization.models import OrgUnit
from services.organization.scope import can_manage
from services.storage.backends import get_storage

from . import minutes as service
from . import minutes_board
from . import minutes_selectors as selectors
from .minutes_checklist import missing_records, variants_for
from .models import Meeting, Minutes, MinutesAttachment
from .pdf import meeting_pdf, year_pdf

SECTION_PREFIX, RECORD_PREFIX = "section-", "record-"


def _meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    try:
        return selectors.meeting_get(acting_user=request.user, pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _minutes_or_404(meeting: Meeting) -> Minutes:
    minutes = selectors.minutes_of(meeting)
    if minutes is None:
        raise Http404(_("这次会议还没有会议纪要。"))
    return minutes


def _context(request: HttpRequest, meeting: Meeting, minutes: Minutes | None) -> dict[str, Any]:
    user = request.user
    return {
        "meeting": meeting,
        "minutes": minutes,
        "sections": list(minutes.sections.order_by("number")) if minutes else [],
        "steps": list(minutes.steps.prefetch_related("attachments").order_by("number")) if minutes else [],
        "loose_attachments": list(minutes.attachments.filter(step__isnull=True)) if minutes else [],
        "addenda": list(minutes.addenda.order_by("created_at", "id")) if minutes else [],
        "missing": missing_records(minutes) if minutes and not minutes.finalized else [],
        "can_draft": selectors.can_draft(acting_user=user, meeting=meeting),
        "can_confirm": selectors.is_host(acting_user=user, meeting=meeting)
        or selectors.is_recorder(acting_user=user, meeting=meeting),
        "can_add_addendum": selectors.can_add_addendum(acting_user=user, meeting=meeting),
        "variants": variants_for(meeting),
        "can_publish_summary": bool(minutes and minutes.finalized and can_manage(acting_user=user, unit=meeting.unit)),
        "summary_item": minutes_board.summary_item(minutes) if minutes and minutes.finalized else None,
    }


@login_required
def minutes_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    return render(request, "orglife/minutes_detail.html", _context(request, meeting, selectors.minutes_of(meeting)))


@login_required
@require_POST
def minutes_start(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    variant = request.POST.get("variant", "")[:30]
    return run_and_redirect(
        request,
        lambda: service.minutes_start(acting_user=request.user, meeting=meeting, variant=variant),
        refusals=True,
        to=redirect("orglife_minutes:edit", pk=meeting.pk),
        on_error=redirect("orglife_minutes:detail", pk=meeting.pk),
    )


@login_required
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    minutes = _minutes_or_404(meeting)
    if not selectors.can_draft(acting_user=request.user, meeting=meeting):
        raise PermissionDenied(service.NOT_DRAFTER % {"unit": meeting.unit.name})
    if minutes.finalized:
        messages.error(request, service.FINALIZED)
        return redirect("orglife_minutes:detail", pk=meeting.pk)
    if request.method == "POST":
        posted = {key: request.POST.get(key, "") for key in request.POST}
        sections = {
            key.removeprefix(SECTION_PREFIX): value for key, value in posted.items() if key.startswith(SECTION_PREFIX)
        }
        records = {
            number: value
            for key, value in posted.items()
            if key.startswith(RECORD_PREFIX) and (number := ascii_int(key.removeprefix(RECORD_PREFIX))) is not None
        }
        return run_and_redirect(
            request,
            lambda: service.minutes_update(
                acting_user=request.user, minutes=minutes, sections=sections, records=records
            ),
            success=_("会议纪要已保存。"),
            to=redirect("orglife_minutes:edit", pk=meeting.pk),
        )
    return render(request, "orglife/minutes_edit.html", _context(request, meeting, minutes))


@login_required
@require_POST
def minutes_attach(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    minutes = _minutes_or_404(meeting)
    upload = request.FILES.get("file")
    back = redirect("orglife_minutes:edit", pk=meeting.pk)
    if upload is None:
        if not selectors.can_draft(acting_user=request.user, meeting=meeting):
            raise PermissionDenied(service.NOT_DRAFTER % {"unit": meeting.unit.name})
        messages.error(request, _("请选择要上传的文件。"))
        return back
    step_id = ascii_int(request.POST.get("step", ""))
    step = minutes.steps.filter(pk=step_id).first() if step_id else None
    return run_and_redirect(
        request,
        lambda: service.minutes_attach(
            acting_user=request.user, minutes=minutes, stream=upload, filename=upload.name or "", step=step
        ),
        success=lambda attachment: _("已上传 %(name)s。") % {"name": attachment.filename},
        to=back,
    )


def _attachment_or_404(request: HttpRequest, pk: int) -> MinutesAttachment:
    visible = selectors.visible_meetings(acting_user=request.user).values("pk")
    try:
        return MinutesAttachment.objects.select_related("minutes__meeting__unit").get(
            pk=pk, minutes__meeting__in=visible
        )
    except MinutesAttachment.DoesNotExist:
        raise Http404 from None


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _attachment_or_404(request, pk)
    meeting_id = attachment.minutes.meeting_id
    return run_and_redirect(
        request,
        lambda: service.minutes_detach(acting_user=request.user, attachment=attachment),
        success=_("附件已删除。"),
        to=redirect("orglife_minutes:edit", pk=meeting_id),
    )


@login_required
@never_cache
def attachment_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    attachment = _attachment_or_404(request, pk)
    try:
        content = get_storage().open(attachment.storage_key)
    except FileNotFoundError as exc:
        raise Http404(_("文件在存储中不存在。")) from exc
    response = FileResponse(
        content, as_attachment=True, filename=attachment.filename, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def minutes_finalize(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what is confirmed and who has confirmed; POST (the box ticked): confirm."""
    meeting = _meeting_or_404(request, pk)
    minutes = _minutes_or_404(meeting)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("请勾选“我已核对纪要内容，确认定稿”。"))
            return redirect("orglife_minutes:finalize", pk=meeting.pk)
        return run_and_redirect(
            request,
            lambda: service.minutes_finalize(acting_user=request.user, minutes=minutes),
            refusals=True,
            success=lambda done: _("会议纪要已定稿。") if done.finalized else _("您已确认，等待另一方确认。"),
            to=redirect("orglife_minutes:detail", pk=meeting.pk),
        )
    return render(request, "orglife/minutes_finalize.html", _context(request, meeting, minutes))


@login_required
@require_POST
def addendum_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    minutes = _minutes_or_404(meeting)
    return run_and_redirect(
        request,
        lambda: service.minutes_addendum_add(
            acting_user=request.user, minutes=minutes, text=request.POST.get("text", "")
        ),
        refusals=True,
        success=_("补充说明已添加。"),
        to=redirect("orglife_minutes:detail", pk=meeting.pk),
    )


@login_required
@require_POST
def summary_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """公开会议概要: the topics and resolutions of finalized minutes, to the 党务公开 board."""
    meeting = _meeting_or_404(request, pk)
    minutes = _minutes_or_404(meeting)
    return run_and_redirect(
        request,
        lambda: minutes_board.minutes_summary_publish(acting_user=request.user, minutes=minutes),
        refusals=True,
        success=_("会议概要已公开到党务公开。"),
        to=redirect("orglife_minutes:detail", pk=meeting.pk),
    )


def _pdf_response(build: Any, filename: str) -> FileResponse:
    out = io.BytesIO()
    build(out)
    out.seek(0)
    response = FileResponse(out, as_attachment=True, filename=filename, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@never_cache
def minutes_pdf(request: HttpRequest, pk: int) -> FileResponse:
    meeting = _meeting_or_404(request, pk)
    minutes = selectors.minutes_of(meeting)
    day = meeting.starts_at.date().isoformat()
    return _pdf_response(lambda out: meeting_pdf(meeting, minutes, out), f"会议记录-{day}-{meeting.pk}.pdf")


@login_required
@never_cache
def year_record_pdf(request: HttpRequest, pk: int, year: int) -> FileResponse:
    try:
        unit = selectors.branch_get(acting_user=request.user, pk=pk)
    except OrgUnit.DoesNotExist:
        raise Http404 from None
    meetings = selectors.branch_year_meetings(acting_user=request.user, unit=unit, year=year)
    pairs = [(meeting, selectors.minutes_of(meeting)) for meeting in meetings]
    return _pdf_response(
        lambda out: year_pdf(unit_name=unit.name, year=year, meetings=pairs, out=out), f"{unit.name}-{year}.pdf"
    )
