"""Roster import pages (upload, progress and preview, confirmation, error report, template) and
the small API next to them: the job's status for the page to poll, and the two exports.

Views parse, authorize and call one service of imports/ or exports.py. Only people who manage
some unit may import; a job is visible to its uploader only (its preview names people).
"""

from __future__ import annotations

import tempfile
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.serializers import InputSerializer
from services.kernel.text import single_line
from services.kernel.web import run_service
from services.organization.scope import scope_for
from services.storage.backends import get_storage
from tenants.db import connection

from . import exports, import_api, imports
from .models import ImportJob
from .validation import REASON_MIN_LENGTH

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 100
RUNNING = (ImportJob.Status.VALIDATING, ImportJob.Status.COMMITTING)


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("名册文件（.xlsx 或 .csv）"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(imports.EXTENSIONS):
            raise ValidationError(_("只能导入 .xlsx 或 .csv 文件。"))
        if upload.size > imports.MAX_UPLOAD_BYTES:
            raise ValidationError(_("文件超过 %(size)s MB。") % {"size": imports.MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload


class SensitiveExportForm(forms.Form):
    """A reasoned export with full numbers from the import page: the full roster or the national
    system's layout. The reason's rule is the service's (validation.clean_access_reason)."""

    format = forms.ChoiceField(
        choices=[("roster_full", "roster_full"), ("national", "national")], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=gettext_lazy("导出事由"),
        required=False,  # the service's message, not the form's, says what a reason needs
        widget=forms.TextInput(attrs={"required": True, "autocomplete": "off", "maxlength": 200}),
    )


def _export_forms(bound: SensitiveExportForm | None = None) -> dict[str, SensitiveExportForm]:
    forms_by_format = {
        name: SensitiveExportForm(initial={"format": name}, auto_id=f"id_{name}_%s")
        for name in ("roster_full", "national")
    }
    if bound is not None:
        forms_by_format[bound["format"].value()] = bound
    return {"roster_full_form": forms_by_format["roster_full"], "national_form": forms_by_format["national"]}


def _require_manager(request: HttpRequest) -> None:
    if not scope_for(request.user).is_manager:
        raise PermissionDenied(_("只有管理党组织的人员才能导入党员名册。"))


def _job_or_404(user: Any, pk: str) -> ImportJob:
    try:
        return imports.import_job_get(acting_user=user, pk=pk)
    except (ImportJob.DoesNotExist, ValidationError):  # ValidationError: not a UUID
        raise Http404 from None


def _download(content: Any, filename: str) -> FileResponse:
    return FileResponse(content, as_attachment=True, filename=filename, content_type=XLSX)


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


@login_required
@never_cache
def import_page(request: HttpRequest, export_form: SensitiveExportForm | None = None) -> HttpResponse:
    """Upload form, the user's recent imports and the export buttons."""
    _require_manager(request)
    sent = export_form is None and request.method == "POST"  # not when an export's form comes back
    form = UploadForm(request.POST if sent else None, request.FILES if sent else None)
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
            ),
            form=form,
            form_field="file",
            redirect_to=lambda job: redirect("member_import:job", pk=str(job.pk)),
        )
        if done.response:
            return done.response
    return render(
        request,
        "members/import.html",
        {
            "form": form,
            **_export_forms(export_form),
            "reason_min_length": REASON_MIN_LENGTH,
            "jobs": imports.import_job_list(acting_user=request.user),
            "columns": [
                (column, imports.column_format(column), names) for column, names, _values in imports.help_rows()
            ],
        },
    )


@login_required
@never_cache
def import_job(request: HttpRequest, pk: str) -> HttpResponse:
    """Progress while the worker runs, then the preview (counts, the first errors, which column
    was read for which field) with the confirmation, or the outcome."""
    job = _job_or_404(request.user, pk)
    return render(
        request,
        "members/import_job.html",
        {
            "job": job,
            "running": job.status in RUNNING,
            "note": imports.job_note(job),
            "errors": job.errors[:ERRORS_SHOWN],
            "more_errors": max(0, len(job.errors) - ERRORS_SHOWN),
            "columns": import_api.job_columns(job),
            "status_url": reverse("member_import:status", kwargs={"pk": str(job.pk)}),
        },
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: str) -> HttpResponse:
    job = _job_or_404(request.user, pk)
    if imports.import_confirm(
        job=job,
        acting_user=request.user,
        schema_name=connection.schema_name,
        language=get_language(),
        create_accounts=request.POST.get("create_accounts") == "on",
    ):
        messages.success(request, _("已确认导入，正在写入…"))
    else:
        messages.error(request, _("该导入当前不能确认（可能已确认或有错误）。"))
    return redirect("member_import:job", pk=str(job.pk))


@login_required
def import_error_report(request: HttpRequest, pk: str) -> HttpResponseBase:
    job = _job_or_404(request.user, pk)
    if not job.error_report_key:
        raise Http404
    stem = job.filename.rsplit(".", 1)[0]
    return _download(get_storage().open(job.error_report_key), f"{stem}-错误报告.xlsx")


@login_required
def import_template(request: HttpRequest) -> HttpResponseBase:
    _require_manager(request)
    out = tempfile.TemporaryFile()
    imports.template_write(out=out)
    out.seek(0)
    return _download(out, "党员名册导入模板.xlsx")


_EXPORTS = {
    "roster_full": (exports.member_export_roster_full, "党员名册（完整号码）"),
    "national": (exports.member_export_national, "全国党员管理信息系统"),
}


@login_required
@require_POST
@never_cache
def export_sensitive(request: HttpRequest) -> HttpResponseBase:
    """The page's reasoned exports with full numbers: the file, or the import page again with
    the reason's error under the form that was sent."""
    form = SensitiveExportForm(request.POST, auto_id=f"id_{request.POST.get('format', 'x')}_%s")
    if not form.is_valid():
        raise Http404  # a forged format: nothing this page offers
    service, stem = _EXPORTS[form.cleaned_data["format"]]
    out = tempfile.TemporaryFile()
    try:
        done = run_service(
            request, lambda: service(acting_user=request.user, reason=form.cleaned_data["reason"], out=out), form=form
        )
    except PermissionDenied:
        out.close()
        raise
    if not done.ok:
        out.close()
        return import_page(request, export_form=form)
    out.seek(0)
    return _download(out, f"{stem}-{_stamp()}.xlsx")


# --- API ----------------------------------------------------------------------------------------


class ImportStatusView(APIView):
    """What the job page polls: status and progress, then the counts and the first errors."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=import_api.ImportJobSerializer)
    def get(self, request: Request, pk: UUID) -> Response:
        return Response(import_api.job_status(import_api.job_or_404(request, pk)))


class ReasonRequest(InputSerializer):
    """The reason of an export with full numbers; its rules (length, letters) are the service's."""

    reason = serializers.CharField(max_length=200, allow_blank=True, validators=[single_line])


def _reasoned_export(request: Request, service: Any, stem: str) -> HttpResponseBase:
    body = ReasonRequest(data=request.data)
    body.is_valid(raise_exception=True)
    reason = body.validated_data["reason"]
    out = tempfile.TemporaryFile()
    try:
        service(acting_user=request.user, reason=str(reason), out=out)
    except Exception:
        out.close()  # the refusal itself is answered by the API's exception handler
        raise
    out.seek(0)
    return _download(out, f"{stem}-{_stamp()}.xlsx")


class RosterExportView(APIView):
    """The roster the caller may see, as .xlsx in the importer's columns (audited). GET: ID
    numbers and phones masked (the file still imports back). POST with a reason: full numbers
    of the members the caller manages, audited as a sensitive export."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request: Request) -> HttpResponseBase:
        out = tempfile.TemporaryFile()
        exports.member_export_roster(acting_user=request.user, out=out)
        out.seek(0)
        return _download(out, f"党员名册-{_stamp()}.xlsx")

    @extend_schema(request=ReasonRequest, responses={(200, XLSX): OpenApiTypes.BINARY})
    def post(self, request: Request) -> HttpResponseBase:
        return _reasoned_export(request, exports.member_export_roster_full, "党员名册（完整号码）")


class NationalExportView(APIView):
    """The managed members in the national system's layout, full ID numbers (audited, with a reason)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReasonRequest, responses={(200, XLSX): OpenApiTypes.BINARY})
    def post(self, request: Request) -> HttpResponseBase:
        return _reasoned_export(request, exports.member_export_national, "全国党员管理信息系统")
