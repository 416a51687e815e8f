"""Activation API for managers.

``POST /api/activation/sheets/`` (a unit id and filters) starts a run of activation slips and
answers 202 with the run (``id``, ``status``, progress); ``GET /api/activation/sheets/<id>/``
reports it, with ``download_url`` once the PDF is ready; ``GET …/<id>/download/`` returns the PDF
once, to its issuer only (then it is deleted). ``GET /api/activation/status/`` lists, per branch
of the caller's scope, members, accounts, activated and slips. Refusals go through the API's one
exception handler (403 outside the caller's scope, 400 with field errors).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseBase
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.serializers import InputSerializer
from services.members.models import Member
from services.organization.scope import scope_for
from tenants.db import connection

from . import slips
from . import status as activation_status
from .models import SlipJob
from .selection import ISSUABLE_STATUSES, Selection


class SheetRequest(InputSerializer):
    unit = serializers.IntegerField(help_text="the org unit whose subtree's members get slips (a branch or a college)")
    not_activated = serializers.BooleanField(default=True, help_text="only those who have not activated (default)")
    category = serializers.ChoiceField(choices=Member.Category.choices, required=False, allow_blank=True, default="")
    statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=list(ISSUABLE_STATUSES)),
        required=False,
        default=list,
        help_text="member statuses to include (empty: everyone on the roll)",
    )
    valid_days = serializers.IntegerField(default=slips.DEFAULT_DAYS, help_text="how long the codes are valid")


class SheetJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=SlipJob.Status.choices)
    status_display = serializers.CharField()
    unit = serializers.IntegerField()
    total = serializers.IntegerField()
    processed = serializers.IntegerField()
    accounts_made = serializers.IntegerField()
    valid_days = serializers.IntegerField()
    file_expires_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.CharField(allow_null=True, help_text="while the PDF waits for its one download")
    failure = serializers.CharField(allow_blank=True)


class BranchStatusSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    name = serializers.CharField()
    members = serializers.IntegerField()
    accounts = serializers.IntegerField()
    activated = serializers.IntegerField()
    not_activated = serializers.IntegerField()
    slips = serializers.IntegerField()
    slips_pending = serializers.IntegerField(help_text="slip codes neither used, replaced nor expired")
    last_slip_at = serializers.DateTimeField(allow_null=True)
    last_login = serializers.DateTimeField(allow_null=True)


def sheet_job(job: SlipJob) -> dict[str, Any]:
    ready = job.status == SlipJob.Status.READY
    return {
        "id": str(job.pk),
        "status": job.status,
        "status_display": job.get_status_display(),
        "unit": job.unit_id,
        "total": job.total,
        "processed": job.processed,
        "accounts_made": job.accounts_made,
        "valid_days": job.valid_days,
        "file_expires_at": job.file_expires_at,
        "download_url": reverse("activation-sheet-download", kwargs={"pk": job.pk}) if ready else None,
        "failure": job.failure,
    }


def _job(request: Request, pk: UUID) -> SlipJob:
    try:
        return slips.slip_job_get(acting_user=request.user, pk=pk)
    except SlipJob.DoesNotExist:
        raise NotFound from None


class SheetStartView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=SheetRequest, responses={202: SheetJobSerializer}, summary="Issue activation slips")
    def post(self, request: Request) -> Response:
        """Make accounts for the selected members without one, issue a one-time code each and
        render the PDF (on the worker for more than a few hundred); poll the run, then download."""
        body = SheetRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        job = slips.slip_job_start(
            acting_user=request.user,
            selection=Selection.from_json(data["unit"], data),
            valid_days=data["valid_days"],
            schema_name=connection.schema_name,
            language=get_language(),
        )
        return Response(sheet_job(job), status=status.HTTP_202_ACCEPTED)


class SheetJobView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SheetJobSerializer, summary="A run of activation slips")
    def get(self, request: Request, pk: UUID) -> Response:
        return Response(sheet_job(_job(request, pk)))


class SheetDownloadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="The slips' PDF, once")
    def get(self, request: Request, pk: UUID) -> HttpResponseBase:
        job = _job(request, pk)
        content = slips.slip_download(acting_user=request.user, job=job)
        return FileResponse(content, as_attachment=True, filename=f"slips-{job.pk}.pdf", content_type="application/pdf")


class ActivationStatusView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=BranchStatusSerializer(many=True), summary="Activation per branch of the caller's scope")
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        if not scope.is_manager:
            raise PermissionDenied(_("只有管理党组织的人员才能管理党员账号。"))
        rows = activation_status.branch_statuses(acting_user=request.user, scope=scope)
        return Response(BranchStatusSerializer(rows, many=True).data)
