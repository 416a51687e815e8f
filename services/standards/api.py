"""API of 标准化建设 in an institution: the assessments of the branches the caller sees (by year),
one with its score explained, a link as evidence, submitting and the review decision. Thin over
workflow.py and assessing.py as the pages; refusals go through the one exception handler."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from services.kernel import inputs
from services.kernel.serializers import InputSerializer

from . import assessing, workflow
from .models import Assessment, Evidence

YEAR = inputs.Number("year", "the year (default: this year)", minimum=2000, maximum=2100)


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "node_id", "kind", "title", "link", "filename", "created_at"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id", "unit", "unit_name", "year", "system_id", "status", "returned_note", "score", "maximum",
            "grade", "standardized", "lines", "notes", "evidence", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class LinkSerializer(InputSerializer):
    node = serializers.IntegerField(help_text="the evidence point's id in the indicator system")
    title = serializers.CharField(max_length=200)
    link = serializers.CharField(max_length=500, help_text="a path on this site, e.g. /orglife/meetings/12/")


class SubmitSerializer(InputSerializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReviewSerializer(InputSerializer):
    approve = serializers.BooleanField(help_text="true: pass on (or make final); false: return one step")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AssessmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = AssessmentSerializer
    lookup_value_regex = "[0-9]+"
    pagination_class = None

    def get_queryset(self) -> Any:
        year = YEAR.read(self.request.query_params) or timezone.localdate().year
        return assessing.assessments_for(self.request.user, year=year).prefetch_related("evidence")

    @extend_schema(parameters=[YEAR.openapi()])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _assessment(self, pk: str) -> Assessment:
        found = Assessment.objects.select_related("unit").filter(pk=int(pk)).first()
        if found is None or not assessing.may_see(self.request.user, found):
            raise Http404
        return found

    @extend_schema(responses=AssessmentSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        """One assessment; ``lines`` explain the score at its last step (the page shows it live)."""
        return Response(AssessmentSerializer(self._assessment(pk)).data)

    @extend_schema(request=LinkSerializer, responses={201: EvidenceSerializer})
    @action(detail=True, methods=["post"])
    def links(self, request: Request, pk: str) -> Response:
        """Offer a link to an existing record (minutes, a disclosure) for one evidence point."""
        assessment = self._assessment(pk)
        body = LinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        made = workflow.evidence_add(
            assessment=assessment, node_id=data["node"], acting_user=request.user,
            link=workflow.LinkTarget(data["title"], data["link"]),
        )  # fmt: skip
        return Response(EvidenceSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SubmitSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Submit the branch's self-assessment."""
        assessment = self._assessment(pk)
        body = SubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = workflow.assessment_submit(assessment=assessment, acting_user=request.user, **body.validated_data)
        return Response(AssessmentSerializer(made).data)

    @extend_schema(request=ReviewSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        """The decision of the step the assessment waits at (second-level committee, then institution)."""
        assessment = self._assessment(pk)
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = workflow.assessment_review(assessment=assessment, acting_user=request.user, **body.validated_data)
        return Response(AssessmentSerializer(made).data)
