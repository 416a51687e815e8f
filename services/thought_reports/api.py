"""API of 思想汇报: the reports the caller may see, writing their own (draft or submitted at once,
text only: attachments go through the page), submitting, the review decision, annotations, the
review queue and the caller's due dates. Thin over services.py and selectors.py as the pages;
refusals go through the one exception handler."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from services.kernel.serializers import InputSerializer
from services.kernel.text import free_text, single_line

from . import selectors, services
from .models import Note, Report


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "kind", "text", "written_by_name", "written_at"]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    notes = NoteSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id", "author_name", "branch", "title", "body", "status", "due_on", "first_submitted_at",
            "submitted_at", "revision", "accepted_at", "notes", "attachments",
        ]  # fmt: skip
        read_only_fields = fields

    def get_attachments(self, report: Report) -> list[str]:
        return [a.filename for a in report.attachments.all()]


class WriteSerializer(InputSerializer):
    title = serializers.CharField(max_length=services.TITLE_MAX, required=False, allow_blank=True, default="",
                                  validators=[single_line])  # fmt: skip
    body = serializers.CharField(max_length=services.BODY_MAX, required=False, allow_blank=True, default="",
                                 validators=[free_text], trim_whitespace=False)  # fmt: skip
    submit = serializers.BooleanField(required=False, default=False, help_text="submit for review at once")


class ReviewSerializer(InputSerializer):
    accept = serializers.BooleanField(help_text="true: pass on (contact person) or accept (branch); false: return")
    note = serializers.CharField(max_length=services.NOTE_MAX, required=False, allow_blank=True, default="",
                                 validators=[free_text])  # fmt: skip


class AnnotateSerializer(InputSerializer):
    text = serializers.CharField(max_length=services.NOTE_MAX, validators=[free_text])


class DueDateSerializer(serializers.Serializer):
    on = serializers.DateField()
    report = serializers.IntegerField(source="report.pk", allow_null=True, default=None)
    missed = serializers.BooleanField()
    citation = serializers.CharField()


class ReportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = ReportSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        return (
            selectors.reports_visible(acting_user=self.request.user)
            .prefetch_related("notes", "attachments")
            .order_by("-created_at", "-pk")
        )

    def _report(self, pk: str) -> Report:
        try:
            return selectors.report_get(acting_user=self.request.user, pk=int(pk))
        except (Report.DoesNotExist, ValueError):
            raise Http404 from None

    @extend_schema(responses=ReportSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ReportSerializer(self._report(pk)).data)

    @extend_schema(request=WriteSerializer, responses={201: ReportSerializer})
    def create(self, request: Request) -> Response:
        """Write a report of the caller's own (a draft, or submitted at once with ``submit``)."""
        body = WriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = services.report_save(acting_user=request.user, **body.validated_data)
        return Response(ReportSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WriteSerializer, responses=ReportSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Revise one's own draft or returned report (an accepted one never changes)."""
        report = self._report(pk)
        body = WriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = services.report_save(acting_user=request.user, report=report, **body.validated_data)
        return Response(ReportSerializer(made).data)

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Submit one's own draft or returned report for review."""
        made = services.report_submit(acting_user=request.user, report=self._report(pk))
        return Response(ReportSerializer(made).data)

    @extend_schema(request=ReviewSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        """The decision of the step the report waits at (contact person, then branch committee)."""
        report = self._report(pk)
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = services.report_review(acting_user=request.user, report=report, **body.validated_data)
        return Response(ReportSerializer(made).data)

    @extend_schema(request=AnnotateSerializer, responses={201: NoteSerializer})
    @action(detail=True, methods=["post"])
    def annotate(self, request: Request, pk: str) -> Response:
        """A reviewer's annotation (批注)."""
        report = self._report(pk)
        body = AnnotateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = services.report_annotate(acting_user=request.user, report=report, **body.validated_data)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ReportSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def queue(self, request: Request) -> Response:
        """The reports waiting for the caller's review, oldest first."""
        rows = selectors.review_queue(acting_user=request.user).prefetch_related("notes", "attachments")[:200]
        return Response(ReportSerializer(rows, many=True).data)

    @extend_schema(responses=DueDateSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="due-dates", pagination_class=None)
    def due_dates(self, request: Request) -> Response:
        """The caller's due dates (this year's and the next ones), each with the report answering it."""
        return Response(DueDateSerializer(selectors.my_due_dates(acting_user=request.user), many=True).data)
