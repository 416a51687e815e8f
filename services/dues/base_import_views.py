"""Payroll import pages (工资表导入): upload, the job (progress, preview, confirmation, outcome),
the error report and the template. The job is the roster's (services/members/imports) of kind
``dues_payroll``; a job is its uploader's only (its preview names people)."""

from __future__ import annotations

import tempfile
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from services.kernel.web import run_service
from services.members import import_api, imports
from services.members.models import ImportJob
from services.organization.scope import scope_for
from services.storage.backends import get_storage
from tenants.db import connection

from . import payroll_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 100
RUNNING = (ImportJob.Status.VALIDATING, ImportJob.Status.COMMITTING)


class PayrollUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("工资表文件（.xlsx 或 .csv）"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(imports.EXTENSIONS):
            raise ValidationError(_("只能导入 .xlsx 或 .csv 文件。"))
        return upload


def _require_manager(request: HttpRequest) -> None:
    if not scope_for(request.user).is_manager:
        raise PermissionDenied(payroll_import.PAYROLL.refusal)


def payroll_job_or_404(user: Any, pk: Any) -> ImportJob:
    try:
        return imports.import_job_get(acting_user=user, pk=str(pk), kind=payroll_import.KIND)
    except (ImportJob.DoesNotExist, ValidationError):  # ValidationError: not a UUID
        raise Http404 from None


def _download(content: Any, filename: str) -> FileResponse:
    return FileResponse(content, as_attachment=True, filename=filename, content_type=XLSX)


@login_required
@never_cache
def import_page(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = PayrollUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        done = run_service(
            request,
            lambda: imports.import_start(
                acting_user=request.user,
                upload=upload,
                filename=upload.name,
                schema_name=connection.schema_name,
                language=get_language(),
                kind=payroll_import.KIND,
            ),
            form=form,
            form_field="file",
            redirect_to=lambda job: redirect("dues_bases:import_job", pk=str(job.pk)),
        )
        if done.response:
            return done.response
    columns = [(header, required, "、".join(others)) for header, required, others in payroll_import.COLUMNS.values()]
    jobs = imports.import_job_list(acting_user=request.user, kind=payroll_import.KIND)
    return render(request, "dues/base_import.html", {"form": form, "jobs": jobs, "columns": columns})


@login_required
@never_cache
def import_job(request: HttpRequest, pk: str) -> HttpResponse:
    job = payroll_job_or_404(request.user, pk)
    return render(
        request,
        "dues/base_import_job.html",
        {
            "job": job,
            "running": job.status in RUNNING,
            "note": imports.job_note(job),
            "errors": job.errors[:ERRORS_SHOWN],
            "more_errors": max(0, len(job.errors) - ERRORS_SHOWN),
            "columns": import_api.job_columns(job),
            "status_url": reverse("dues-bases-import", kwargs={"pk": str(job.pk)}),
        },
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: str) -> HttpResponse:
    job = payroll_job_or_404(request.user, pk)
    if imports.import_confirm(
        job=job, acting_user=request.user, schema_name=connection.schema_name, language=get_language()
    ):
        messages.success(request, _("已确认导入，正在写入…"))
    else:
        messages.error(request, _("该导入当前不能确认（可能已确认或有错误）。"))
    return redirect("dues_bases:import_job", pk=str(job.pk))


@login_required
def import_error_report(request: HttpRequest, pk: str) -> HttpResponseBase:
    job = payroll_job_or_404(request.user, pk)
    if not job.error_report_key:
        raise Http404
    stem = job.filename.rsplit(".", 1)[0]
    return _download(get_storage().open(job.error_report_key), f"{stem}-错误报告.xlsx")


@login_required
def import_template(request: HttpRequest) -> HttpResponseBase:
    _require_manager(request)
    out = tempfile.TemporaryFile()
    payroll_import.payroll_template_write(out=out)
    out.seek(0)
    return _download(out, "党费基数导入模板.xlsx")
