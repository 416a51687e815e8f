"""学习 API: begin studying a material and its heartbeats (what the material page's script calls),
my study, external training (report, list, decide) and the managers' per-branch figures.

Thin over the services; refusals go through the one exception handler. A heartbeat that counted
nothing (another tab or material took over, the page's session is gone) answers 409 with the
reason's ``detail`` and ``code``: it is the state of the study, not a malformed request."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel import inputs
from services.kernel.parsers import ChineseFormParser, ChineseMultiPartParser
from services.kernel.serializers import InputSerializer
from services.kernel.text import free_text, single_line
from services.organization.scope import scope_for

from . import selectors, trainings
from .heartbeat import BEAT_SECONDS, study_beat, study_open
from .models import Training

YEAR = inputs.Number("year", "the year (default: this year)", minimum=2000, maximum=2100)


class OpenSerializer(InputSerializer):
    material = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class OpenedSerializer(serializers.Serializer):
    tab = serializers.CharField(help_text="this page's token: send it with every heartbeat")
    credited_seconds = serializers.IntegerField()
    cap_seconds = serializers.IntegerField()
    beat_seconds = serializers.IntegerField()


class BeatSerializer(InputSerializer):
    material = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    tab = serializers.CharField(max_length=32, validators=[single_line])


class BeatResultSerializer(serializers.Serializer):
    credited_seconds = serializers.IntegerField()
    cap_seconds = serializers.IntegerField()


class StoppedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["other_tab", "other_material", "not_started"])


class StudyOpenView(APIView):
    """Begin studying a material in this page (it must be in the caller's plan for the year)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=OpenSerializer, responses={201: OpenedSerializer})
    def post(self, request: Request) -> Response:
        body = OpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tab, progress = study_open(acting_user=request.user, material_id=body.validated_data["material"])
        data = {"tab": tab, "credited_seconds": progress.credited_seconds, "cap_seconds": progress.cap_seconds}
        return Response(OpenedSerializer({**data, "beat_seconds": BEAT_SECONDS}).data, status=status.HTTP_201_CREATED)


class StudyBeatView(APIView):
    """A heartbeat of a visible material page."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=BeatSerializer,
        responses={200: BeatResultSerializer, 409: OpenApiResponse(StoppedSerializer, "this page counts no more")},
    )
    def post(self, request: Request) -> Response:
        body = BeatSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        beat = study_beat(
            acting_user=request.user, material_id=body.validated_data["material"], tab=body.validated_data["tab"]
        )
        if not beat.counted:
            return Response({"detail": beat.detail, "code": beat.code}, status=status.HTTP_409_CONFLICT)
        return Response({"credited_seconds": beat.credited_seconds, "cap_seconds": beat.cap_seconds})


class MaterialRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="material.pk")
    title = serializers.CharField(source="material.title")
    course = serializers.CharField(source="material.course.title")
    kind = serializers.CharField(source="material.kind")
    length_minutes = serializers.IntegerField(source="material.length_minutes")
    credited_seconds = serializers.IntegerField()


class HoursSerializer(serializers.Serializer):
    online = serializers.DecimalField(max_digits=8, decimal_places=1)
    lectures = serializers.DecimalField(max_digits=8, decimal_places=1)
    training_hours = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=8, decimal_places=1)
    required_hours = serializers.IntegerField(source="required.number")
    rule = serializers.CharField(source="required.title")
    citation = serializers.CharField(source="required.citation")
    met = serializers.BooleanField()


class MyStudySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    plans = serializers.ListField(child=serializers.CharField(), source="plan_titles")
    materials = MaterialRowSerializer(many=True)
    hours = HoursSerializer(allow_null=True, help_text="null: the account has no member record")


class MyStudyView(APIView):
    """我的学习: the year's plans, their materials with what is credited, and the hours by source."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[YEAR.openapi()], responses=MyStudySerializer)
    def get(self, request: Request) -> Response:
        study = selectors.my_study(user=request.user, year=_year(request))
        study.plan_titles = [plan.title for plan in study.plans]  # type: ignore[attr-defined]
        return Response(MyStudySerializer(study).data)


def _year(request: Request) -> int:
    return YEAR.read(request.query_params) or timezone.localdate().year


class TrainingSerializer(serializers.ModelSerializer):
    member = serializers.CharField(source="member.name")

    class Meta:
        model = Training
        fields = ["id", "member", "title", "organizer", "finished_on", "class_hours", "status", "note", "created_at"]


class TrainingReportSerializer(InputSerializer):
    title = serializers.CharField(max_length=100, validators=[single_line])
    organizer = serializers.CharField(max_length=100, validators=[single_line])
    finished_on = serializers.DateField()
    class_hours = serializers.IntegerField(min_value=1, max_value=trainings.MAX_CLASS_HOURS)
    certificate = serializers.FileField(help_text="PDF, JPEG or PNG, at most 10 MB")


class TrainingsView(APIView):
    """GET: the reports the caller reads (their own; a manager's branches'); POST (multipart): report one."""

    permission_classes = [IsAuthenticated]
    parser_classes = [ChineseMultiPartParser, ChineseFormParser]

    @extend_schema(responses=TrainingSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = trainings.trainings_visible(acting_user=request.user)[:200]
        return Response(TrainingSerializer(rows, many=True).data)

    @extend_schema(request=TrainingReportSerializer, responses={201: TrainingSerializer})
    def post(self, request: Request) -> Response:
        body = TrainingReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        upload = data.pop("certificate")
        row = trainings.training_report(
            acting_user=request.user, certificate=upload, certificate_name=upload.name, **data
        )
        return Response(TrainingSerializer(row).data, status=status.HTTP_201_CREATED)


class DecideSerializer(InputSerializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="", validators=[free_text])


class TrainingDecideView(APIView):
    """Approve a member's external training (its class hours count) or return it with a note."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=DecideSerializer, responses=TrainingSerializer)
    def post(self, request: Request, pk: int) -> Response:
        if not scope_for(request.user).is_manager:
            raise PermissionDenied(_("只有党组织的管理者可以查看。"))
        row = trainings.trainings_visible(acting_user=request.user).filter(pk=pk).first()
        if row is None:
            raise Http404
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = trainings.training_decide(acting_user=request.user, training=row, **body.validated_data)
        return Response(TrainingSerializer(row).data)


class BranchRowSerializer(serializers.Serializer):
    branch = serializers.IntegerField(source="branch.pk")
    name = serializers.CharField(source="branch.name")
    members = serializers.IntegerField()
    met = serializers.IntegerField(help_text="members meeting the year's hours")


class BranchesView(APIView):
    """The branches the caller manages: members on the roll and how many meet the year's hours."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[YEAR.openapi()], responses=BranchRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        if not scope_for(request.user).is_manager:
            raise PermissionDenied(_("只有党组织的管理者可以查看。"))
        rows: list[Any] = selectors.branch_rows(acting_user=request.user, year=_year(request))
        return Response(BranchRowSerializer(rows, many=True).data)
