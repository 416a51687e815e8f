"""考试 in the API: my exams, starting (the paper in this person's order and the seconds left),
saving an answer, submitting, the result after the close; managers list and add questions and
exams, and publish an exam. Refusals go through the one exception handler."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.serializers import InputSerializer

from . import bank, results, setup, taking
from .models import Attempt, Exam, Question
from .question_text import answer_text, question_input


class ExamSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Exam
        fields = [
            "id",
            "title",
            "description",
            "unit",
            "unit_name",
            "opens_at",
            "closes_at",
            "time_limit_minutes",
            "attempts_allowed",
            "is_contest",
            "status",
            "rules",
        ]
        read_only_fields = fields


class MyExamSerializer(serializers.Serializer):
    exam = ExamSerializer()
    state = serializers.ChoiceField(choices=["upcoming", "open", "started", "again", "done", "closed"])
    results_out = serializers.BooleanField()


class PaperQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="question.pk")
    number = serializers.IntegerField()
    kind = serializers.CharField(source="question.kind")
    text = serializers.CharField(source="question.text")
    options = serializers.ListField(child=serializers.ListField(), help_text="[[option index, text], …] in this order")
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    given = serializers.ListField(help_text="the answer saved so far")


class AttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Attempt.Status.choices)
    deadline_at = serializers.DateTimeField(allow_null=True)
    seconds_left = serializers.SerializerMethodField()

    def get_seconds_left(self, attempt: Attempt) -> int:
        return results.seconds_left(attempt)


class PaperSerializer(serializers.Serializer):
    attempt = AttemptSerializer()
    questions = PaperQuestionSerializer(many=True)


class MyExamsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MyExamSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(MyExamSerializer(results.my_exams(acting_user=request.user), many=True).data)


def _mine(request: Request, pk: int) -> results.MyExam:
    try:
        return results.my_exam(acting_user=request.user, pk=pk)
    except Exam.DoesNotExist:
        raise Http404 from None


class StartView(APIView):
    """Start (or resume) the caller's attempt: the paper and the seconds left."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=PaperSerializer)
    def post(self, request: Request, pk: int) -> Response:
        try:
            attempt, fresh = taking.attempt_begin(acting_user=request.user, exam_id=pk)
        except (ValidationError, PermissionDenied):
            _mine(request, pk)  # only on a refusal: an exam that is not the caller's is a 404
            raise
        return Response(
            {
                "attempt": AttemptSerializer(attempt).data,
                "questions": results.paper_to_answer(attempt, fresh=fresh),
            }
        )


class AnswerInput(InputSerializer):
    question = serializers.IntegerField()
    given = serializers.JSONField(help_text="option indices ([0, 2]) or [text]")


class SavedSerializer(serializers.Serializer):
    saved = serializers.BooleanField()
    seconds_left = serializers.IntegerField()


class AnswerView(APIView):
    """Save one answer as given (again: replaces it), while the attempt is started and in time."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AnswerInput, responses=SavedSerializer)
    def post(self, request: Request, pk: int) -> Response:
        body = AnswerInput(data=request.data)
        try:
            body.is_valid(raise_exception=True)
            deadline = taking.answer_save(
                acting_user=request.user,
                exam_id=pk,
                question_id=body.validated_data["question"],
                given=body.validated_data["given"],
            )
        except (ValidationError, serializers.ValidationError):
            _mine(request, pk)  # only on a refusal: an exam that is not the caller's is a 404
            raise
        return Response({"saved": True, "seconds_left": results.seconds_until(deadline)})


class SubmitView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=AttemptSerializer)
    def post(self, request: Request, pk: int) -> Response:
        _mine(request, pk)
        return Response(AttemptSerializer(taking.attempt_submit(acting_user=request.user, exam_id=pk)).data)


class ResultSerializer(serializers.Serializer):
    published = serializers.BooleanField(help_text="false until the exam has closed")
    score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    total = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    pending_marks = serializers.IntegerField()


class ResultView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ResultSerializer)
    def get(self, request: Request, pk: int) -> Response:
        mine = _mine(request, pk)
        best = results.best_attempt(exam=mine.exam, member=mine.attempt.member) if mine.attempt else None
        if not mine.results_out or best is None:
            return Response({"published": False, "score": None, "total": None, "pending_marks": 0})
        return Response(
            {"published": True, "score": best.score, "total": best.total, "pending_marks": best.pending_marks}
        )


class QuestionSerializer(serializers.ModelSerializer):
    answer_text = serializers.SerializerMethodField(help_text="the answer as the .xlsx writes it")

    class Meta:
        model = Question
        fields = [
            "id",
            "unit",
            "kind",
            "text",
            "options",
            "answer",
            "answer_text",
            "reference",
            "explanation",
            "category",
            "tags",
            "difficulty",
            "active",
        ]
        read_only_fields = fields

    def get_answer_text(self, question: Question) -> str:
        return answer_text(question.kind, question.answer)


class QuestionInputSerializer(InputSerializer):
    unit = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    text = serializers.CharField(max_length=2000)
    options = serializers.ListField(child=serializers.CharField(max_length=500), required=False, default=list)
    answer = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text='"A,C", "对", "甲|乙"'
    )
    reference = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    explanation = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    category = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    tags = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    difficulty = serializers.IntegerField(required=False, default=3)


class QuestionsView(APIView):
    """GET: the questions of the banks the caller keeps; POST: add one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=QuestionSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(QuestionSerializer(bank.questions_kept(acting_user=request.user)[:500], many=True).data)

    @extend_schema(request=QuestionInputSerializer, responses={201: QuestionSerializer})
    def post(self, request: Request) -> Response:
        bank.questions_kept(acting_user=request.user)  # managers only, before the body
        body = QuestionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        unit = bank.bank_units(acting_user=request.user).filter(pk=data.pop("unit")).first()
        if unit is None:
            raise ValidationError({"unit": _("该组织不存在，或您无权维护它的题库。")})
        question = bank.question_save(acting_user=request.user, unit=unit, data=question_input(**data))
        return Response(QuestionSerializer(question).data, status=201)


class ExamsView(APIView):
    """The exams of the units the caller manages."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ExamSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ExamSerializer(setup.exams_kept(acting_user=request.user)[:200], many=True).data)


class PublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ExamSerializer)
    def post(self, request: Request, pk: int) -> Response:
        try:
            exam = setup.exams_kept(acting_user=request.user).get(pk=pk)
        except Exam.DoesNotExist:
            raise Http404 from None
        return Response(ExamSerializer(setup.exam_publish(acting_user=request.user, exam=exam)).data)
