"""Payroll import API: the same job as the page (base_import_views.py), as the roster's import API
(services/members/import_api.py) answers it: ``POST /api/dues/bases/imports/`` (multipart
``file``) starts a job (202), ``GET …/<id>/`` reports status, progress, counts and the first
errors, ``POST …/<id>/confirm/`` commits a clean preview (202), once. Anyone else's job is a 404."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.parsers import ChineseMultiPartParser
from services.members import import_api, imports
from services.members.models import ImportJob
from tenants.db import connection

from . import payroll_import
from .base_import_views import payroll_job_or_404


class PayrollUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="the payroll sheet, .xlsx or .csv, in the template's columns")


def _job(request: Request, pk: UUID) -> ImportJob:
    try:
        return payroll_job_or_404(request.user, pk)
    except Http404:
        raise NotFound from None


class PayrollImportStartView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [ChineseMultiPartParser]

    @extend_schema(
        request=PayrollUploadSerializer,
        responses={202: import_api.ImportJobSerializer},
        summary="Upload a payroll sheet",
    )
    def post(self, request: Request) -> Response:
        """Store the file and validate it on the worker; poll the job, then confirm its preview.
        Only people who manage an org unit may import (403 otherwise)."""
        body = PayrollUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        job = imports.import_start(
            acting_user=request.user,
            upload=upload,
            filename=upload.name,
            schema_name=connection.schema_name,
            language=get_language(),
            kind=payroll_import.KIND,
        )
        return Response(import_api.job_status(job), status=status.HTTP_202_ACCEPTED)


class PayrollImportJobView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=import_api.ImportJobSerializer, summary="A payroll import's status, progress and errors")
    def get(self, request: Request, pk: UUID) -> Response:
        return Response(import_api.job_status(_job(request, pk)))


class PayrollImportConfirmView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            202: import_api.ImportJobSerializer,
            409: OpenApiResponse(description="not a clean preview (still validating, has errors, or confirmed)"),
        },
        summary="Commit a clean payroll preview",
    )
    def post(self, request: Request, pk: UUID) -> Response:
        job = _job(request, pk)
        confirmed = imports.import_confirm(
            job=job,
            acting_user=request.user,
            schema_name=connection.schema_name,
            language=get_language(),
        )
        if not confirmed:
            raise import_api.NotConfirmable(_("该导入当前不能确认（可能已确认或有错误）。"))
        job.refresh_from_db()
        return Response(import_api.job_status(job), status=status.HTTP_202_ACCEPTED)
