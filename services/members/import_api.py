"""Roster import API: the same job as the import page (imports/jobs.py), for API clients.

``POST /api/members/imports/`` (multipart ``file``, .xlsx or .csv) starts a job and answers 202
with its status; ``GET /api/members/imports/<id>/`` reports status, progress, counts, which column
of the file was read for which field (``columns``) and the first errors (poll it);
``POST …/<id>/confirm/`` commits a clean preview (202), once. A job is its uploader's own: anyone
else's id is a 404, as on the page.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.parsers import ChineseMultiPartParser
from tenants.db import connection

from . import imports
from .models import ImportJob

ERRORS_SHOWN = 100


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="the spreadsheet row (null: the whole file)")
    column = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class ImportColumnSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="a column of the uploaded file, as its header row names it")
    field = serializers.CharField(
        allow_null=True, help_text="the member record's field read from it (null: nothing is read from it)"
    )
    field_label = serializers.CharField(
        allow_blank=True, help_text="that field's column in the import's template (身份证号, 所在支部, …)"
    )


class ImportJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=ImportJob.Status.choices)
    status_display = serializers.CharField()
    total_rows = serializers.IntegerField()
    processed_rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    error_count = serializers.IntegerField()
    # A declared field, not Serializer.errors: DRF takes declared fields off the class.
    errors = ImportErrorSerializer(many=True, help_text=f"the first {ERRORS_SHOWN}")  # type: ignore[assignment]
    columns = ImportColumnSerializer(
        many=True, help_text="which column of the file is read for which field, once validated (file order)"
    )
    failure = serializers.CharField(allow_blank=True)
    create_accounts = serializers.BooleanField(help_text="accounts are made for the file's members after the commit")
    accounts_created = serializers.IntegerField(help_text="how many accounts the commit made (members who had none)")
    note = serializers.CharField(
        allow_blank=True, help_text="what is happening to a running job (a restart after a crash)"
    )


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="the roster, .xlsx or .csv, in the template's columns")


class ImportConfirmSerializer(serializers.Serializer):
    create_accounts = serializers.BooleanField(
        default=False,
        help_text="为导入的党员开通账号: after the commit, make a (not yet activated) account for every member "
        "of the file on the roll who has none; the job's accounts_created says how many",
    )


class NotConfirmable(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_confirmable"


def job_columns(job: ImportJob) -> list[dict[str, Any]]:
    """Each column of the file and the field read from it, with that field's template column."""
    return [
        {
            "column": column["column"],
            "field": column["field"] or None,
            "field_label": imports.kind_of(job).column_label(column["field"]),
        }
        for column in job.columns
    ]


def job_status(job: ImportJob) -> dict[str, Any]:
    """What the job page polls and the API answers."""
    return {
        "id": str(job.pk),
        "status": job.status,
        "status_display": job.get_status_display(),
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "error_count": len(job.errors),
        "errors": job.errors[:ERRORS_SHOWN],
        "columns": job_columns(job),
        "failure": job.failure,
        "create_accounts": job.create_accounts,
        "accounts_created": job.accounts_created,
        "note": imports.job_note(job),
    }


def job_or_404(request: Request, pk: Any) -> ImportJob:
    try:
        return imports.import_job_get(acting_user=request.user, pk=str(pk))
    except (ImportJob.DoesNotExist, ValidationError):  # ValidationError: not a UUID
        raise NotFound from None


class ImportStartView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [ChineseMultiPartParser]

    @extend_schema(request=ImportUploadSerializer, responses={202: ImportJobSerializer}, summary="Upload a roster")
    def post(self, request: Request) -> Response:
        """Store the file and validate it on the worker; poll the job, then confirm its preview.
        Only people who manage an org unit may import (403 otherwise)."""
        body = ImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        job = imports.import_start(
            acting_user=request.user,
            upload=upload,
            filename=upload.name,
            schema_name=connection.schema_name,
            language=get_language(),
        )
        return Response(job_status(job), status=status.HTTP_202_ACCEPTED)


class ImportJobView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ImportJobSerializer, summary="An import's status, progress and errors")
    def get(self, request: Request, pk: UUID) -> Response:
        return Response(job_status(job_or_404(request, pk)))


class ImportConfirmView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ImportConfirmSerializer,
        responses={
            202: ImportJobSerializer,
            409: OpenApiResponse(description="not a clean preview (still validating, has errors, or confirmed)"),
        },
        summary="Commit a clean preview",
    )
    def post(self, request: Request, pk: UUID) -> Response:
        job = job_or_404(request, pk)
        body = ImportConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        confirmed = imports.import_confirm(
            job=job,
            acting_user=request.user,
            schema_name=connection.schema_name,
            language=get_language(),
            create_accounts=body.validated_data["create_accounts"],
        )
        if not confirmed:
            raise NotConfirmable(_("该导入当前不能确认（可能已确认或有错误）。"))
        job.refresh_from_db()
        return Response(job_status(job), status=status.HTTP_202_ACCEPTED)
