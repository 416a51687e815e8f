"""Surveys API: the surveys that ask me, one survey with its questions, answering it, its results.
Reads go through selectors.py (a survey out of sight is a 404), the answer through
answering.survey_answer; refusals reach partycloud.api.exception_handler (400 / 403)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import answering, selectors
from .audience import can_manage_survey
from .inputs import submission_from_json
from .models import Option, Question, Section, Survey
from .results import survey_results


class SurveySerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Survey
        fields = ["id", "title", "intro", "mode", "status", "unit", "unit_name", "opens_on", "closes_on"]
        read_only_fields = fields


class MySurveySerializer(serializers.Serializer):
    survey = SurveySerializer()
    answered = serializers.BooleanField()


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "text"]
        read_only_fields = fields


class QuestionSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "kind", "text", "required", "options"]
        read_only_fields = fields


class SectionSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "title", "body", "questions"]
        read_only_fields = fields


class SurveyDetailSerializer(SurveySerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta(SurveySerializer.Meta):
        fields = [*SurveySerializer.Meta.fields, "sections"]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="question id → option id (single), list of option ids (multiple), 1–5 (rating) or text",
    )
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, help_text="section id → comment (named mode)"
    )


class CellSerializer(serializers.Serializer):
    text = serializers.CharField(source="label", help_text="the option, or the rating (1–5)")
    count = serializers.IntegerField(allow_null=True, help_text="null: fewer than the threshold (hidden)")
    share = serializers.IntegerField(allow_null=True)


class QuestionResultSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    text = serializers.CharField(source="question.text")
    kind = serializers.CharField(source="question.kind")
    answered = serializers.IntegerField()
    cells = CellSerializer(many=True)
    average = serializers.CharField()
    texts = serializers.ListField(child=serializers.CharField(), help_text="anonymous mode: no names")


class ResultsSerializer(serializers.Serializer):
    respondents = serializers.IntegerField()
    written = serializers.IntegerField()
    threshold = serializers.IntegerField()
    hidden = serializers.BooleanField(help_text="fewer answers written than the threshold: nothing shown")
    questions = serializers.SerializerMethodField()

    def get_questions(self, obj: Any) -> list[dict[str, Any]]:
        if obj.hidden:
            return []
        items = [item for section in obj.sections for item in section.questions]
        return QuestionResultSerializer(items, many=True).data  # type: ignore[return-value]


def _survey(request: Request, pk: int, *, results: bool = False) -> Survey:
    try:
        if results:
            return selectors.results_get(acting_user=request.user, pk=pk)
        return selectors.survey_get(acting_user=request.user, pk=pk)
    except Survey.DoesNotExist:
        raise Http404 from None


class MySurveysView(APIView):
    """The open and closed surveys that ask me, with whether I have answered."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MySurveySerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(MySurveySerializer(selectors.my_surveys(acting_user=request.user), many=True).data)


class SurveyDetailView(APIView):
    """One survey with its sections, questions and options."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SurveyDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        survey = _survey(request, pk)
        loaded = Survey.objects.prefetch_related("sections__questions__options").get(pk=survey.pk)
        return Response(SurveyDetailSerializer(loaded).data)


class SurveyAnswerView(APIView):
    """Answer a survey once. Anonymous mode: the answers are stored apart from who answered."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AnswerSerializer, responses={201: None})
    def post(self, request: Request, pk: int) -> Response:
        survey = _survey(request, pk)
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        submission = submission_from_json(body.validated_data["answers"], body.validated_data.get("comments", {}))
        answering.survey_answer(acting_user=request.user, survey=survey, submission=submission)
        return Response(status=status.HTTP_201_CREATED)


class SurveyResultsView(APIView):
    """The results (cells under the threshold ``surveys.small_cell`` are null): its managers, and
    its audience once it is closed."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ResultsSerializer)
    def get(self, request: Request, pk: int) -> Response:
        survey = _survey(request, pk, results=True)
        names = can_manage_survey(acting_user=request.user, survey=survey)
        return Response(ResultsSerializer(survey_results(survey=survey, names=names)).data)
