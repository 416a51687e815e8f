"""Pages of 思想汇报 (docs/thought_reports.md): my reports and due dates, writing and revising,
one report with its notes (and the review forms for whoever it waits for), the review queue.
A report the user may not see is a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from services.development.forms import MultipleFileField
from services.kernel.web import run_and_redirect, run_service

from . import selectors, services
from .models import Attachment, Report
from .people import writer_of


class WriteForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("标题"), max_length=services.TITLE_MAX, required=False)
    body = forms.CharField(
        label=gettext_lazy("汇报内容"),
        required=False,
        max_length=services.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 14}),
        strip=False,
    )
    uploads = MultipleFileField(label=gettext_lazy("附件"), required=False)
    remove = forms.TypedMultipleChoiceField(
        label=gettext_lazy("删除附件"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, report: Report | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attachments = list(report.attachments.all()) if report is not None else []
        self.fields["remove"].choices = [(a.pk, a.filename) for a in attachments]  # type: ignore[attr-defined]
        if not attachments:
            del self.fields["remove"]


class ReviewForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=gettext_lazy("意见"),
        choices=[("1", gettext_lazy("同意")), ("0", gettext_lazy("退回修改"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("审阅意见"),
        required=False,
        max_length=services.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnnotateForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("批注"), max_length=services.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


def _readable(request: HttpRequest, pk: int) -> Report:
    try:
        return selectors.report_get(acting_user=request.user, pk=pk)
    except Report.DoesNotExist:
        raise Http404 from None


def _detail(report: Report) -> str:
    return reverse("thought_reports:detail", kwargs={"pk": report.pk})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    context = {
        "writer": writer_of(request.user),
        "reports": selectors.my_reports(acting_user=request.user)[:100],
        "due_dates": selectors.my_due_dates(acting_user=request.user),
        "waiting": selectors.review_queue(acting_user=request.user).count(),
    }
    return render(request, "thought_reports/mine.html", context)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    reports = selectors.review_queue(acting_user=request.user)[:200]
    return render(request, "thought_reports/queue.html", {"reports": reports})


def _write(request: HttpRequest, report: Report | None) -> HttpResponse:
    form = WriteForm(request.POST or None, request.FILES or None, report=report)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submit = "submit" in request.POST
        done = run_service(
            request,
            lambda: services.report_save(
                acting_user=request.user,
                report=report,
                title=data["title"],
                body=data["body"],
                uploads=[services.Upload(filename=f.name, stream=f) for f in data["uploads"]],
                remove_attachments=data.get("remove") or [],
                submit=submit,
            ),
            form=form,
            refusals=True,
            success=_("思想汇报已提交，等待审阅。") if submit else _("草稿已保存。"),
            redirect_to=_detail,
        )
        if done.response:
            return done.response
    return render(request, "thought_reports/write.html", {"form": form, "report": report})


@login_required
def new(request: HttpRequest) -> HttpResponse:
    if writer_of(request.user) is None:
        raise Http404
    return _write(request, None)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _readable(request, pk)
    if report.author_id != request.user.pk:
        raise Http404
    return _write(request, report)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _readable(request, pk)
    context = {
        "report": report,
        "notes": report.notes.all(),
        "attachments": report.attachments.all(),
        "mine": report.author_id == request.user.pk,
        "can_review": selectors.can_review(acting_user=request.user, report=report),
        "can_annotate": selectors.can_annotate(acting_user=request.user, report=report)
        and report.status != Report.Status.ACCEPTED,
        "review_form": ReviewForm(),
        "annotate_form": AnnotateForm(),
    }
    return render(request, "thought_reports/detail.html", context)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _readable(request, pk)
    return run_and_redirect(
        request,
        lambda: services.report_submit(acting_user=request.user, report=report),
        success=_("思想汇报已提交，等待审阅。"),
        to=_detail(report),
        refusals=True,
    )


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    report = _readable(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return run_and_redirect(request, _choose, to=_detail(report))
    return run_and_redirect(
        request,
        lambda: services.report_review(acting_user=request.user, report=report, **form.cleaned_data),
        success=lambda made: _("已通过。") if made.status == Report.Status.ACCEPTED else _("审阅意见已记录。"),
        to=_detail(report),
        refusals=True,
    )


def _choose() -> None:
    raise ValidationError(_("请选择同意或退回修改。"))


@login_required
@require_POST
def annotate(request: HttpRequest, pk: int) -> HttpResponse:
    report = _readable(request, pk)
    form = AnnotateForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    return run_and_redirect(
        request,
        lambda: services.report_annotate(acting_user=request.user, report=report, text=text),
        success=_("批注已保存。"),
        to=_detail(report),
        refusals=True,
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        found = selectors.attachment_get(acting_user=request.user, pk=pk)
    except Attachment.DoesNotExist:
        raise Http404 from None
    stream = services.attachment_open(acting_user=request.user, attachment=found)
    return FileResponse(stream, as_attachment=True, filename=found.filename, content_type=found.content_type)
