"""党内统计年报 API of an institution (its administrators): the year's filled tables with the
checks, and the .xlsx export. Thin over filling.py; a year no edition covers is a 400 with the
Chinese reason, an export whose checks fail needs ``confirm=1`` (else 409 with the failures)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel import inputs

from .filling import Filled, tables_fill
from .selectors import can_see_tables
from .template import TemplateError, edition_for, editions
from .views import institution_name, xlsx_response
from .xlsx import tables_xlsx

# The years the shipped editions cover (template.editions(), read once at import).
YEAR = inputs.Number(
    "year",
    "the year reported (default: last year); the years an edition of the tables covers",
    minimum=min(e.first_year for e in editions()),
    maximum=max(e.last_year for e in editions()),
)
CONFIRM = inputs.Choice("confirm", "1: export although checks failed", choices=("1",))


class CheckSerializer(serializers.Serializer):
    id = serializers.CharField(source="check.id")
    name = serializers.CharField(source="check.label")
    row = serializers.CharField()
    left = serializers.IntegerField()
    right = serializers.IntegerField()
    passed = serializers.BooleanField()
    message = serializers.CharField()


class ColumnSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField(source="label")
    group = serializers.CharField()


class TableSerializer(serializers.Serializer):
    id = serializers.CharField()
    number = serializers.CharField()
    title = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = ColumnSerializer(many=True)
    cells = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))


class FilledSerializer(serializers.Serializer):
    edition = serializers.CharField(source="edition.id")
    edition_title = serializers.CharField(source="edition.title")
    year = serializers.IntegerField()
    on = serializers.DateField()
    passed = serializers.BooleanField()
    tables = serializers.SerializerMethodField()
    checks = CheckSerializer(many=True)

    @extend_schema_field(TableSerializer(many=True))
    def get_tables(self, filled: Filled) -> list[dict[str, object]]:
        return [
            TableSerializer(
                {"id": t.id, "number": t.number, "title": t.title, "columns": t.columns, "rows": t.rows,
                 "cells": filled.cells[t.id]}
            ).data
            for t in filled.edition.tables
        ]  # fmt: skip


def _filled(request: Request) -> Filled:
    if not can_see_tables(acting_user=request.user):
        raise PermissionDenied(_("党内统计年报仅本校党委管理员可以查看和导出。"))
    year = YEAR.read(request.query_params) or timezone.localdate().year - 1
    try:
        return tables_fill(edition=edition_for(year), year=year)
    except TemplateError as error:
        raise ValidationError({"year": [str(error)]}) from None


class TablesView(APIView):
    """The year's tables filled from the records at 31 December, and every check's result."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[YEAR.openapi()], responses=FilledSerializer)
    def get(self, request: Request) -> Response:
        return Response(FilledSerializer(_filled(request)).data)


class TablesExportView(APIView):
    """The year's tables as .xlsx in the official layout; with failed checks, only with confirm=1
    (the failures are then the workbook's first sheet)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[YEAR.openapi(), CONFIRM.openapi()],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="checks failed and confirm=1 was not given"),
        },
    )
    def get(self, request: Request) -> HttpResponse | Response:
        filled = _filled(request)
        if filled.failures and CONFIRM.read(request.query_params) != "1":
            return Response(
                {
                    "detail": _("有 %(n)s 项校验未通过，确认导出请加 confirm=1。") % {"n": len(filled.failures)},
                    "failures": [f.message for f in filled.failures],
                },
                status=status.HTTP_409_CONFLICT,
            )
        whose = institution_name(request)
        content = tables_xlsx(
            edition=filled.edition, year=filled.year, cells=filled.cells, failures=filled.failures, whose=whose
        )
        return xlsx_response(content, year=filled.year, whose=whose)
