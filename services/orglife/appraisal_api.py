"""民主评议 API: the appraisals the caller sees, one as its page shows it, opening a year's
appraisal (managers), the caller's self-assessment and ratings, the branch committee's conclusion.

A member reads their own self-assessment and the ratings they gave, never anyone's received
ratings; the counts are the branch committee's alone (``appraisal.appraisal_tally``). Reads and
writes go through appraisal.py, in the order the pages use (404 for an appraisal the caller does
not see, then 403, then the body); refusals go through the one exception handler."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from services.kernel.serializers import InputSerializer
from services.organization.models import OrgUnit
from services.organization.scope import scope_for

from . import appraisal as service
from .models import Appraisal, AppraisalSubject, Meeting

GRADES = service.Grade.choices


class AppraisalSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    meeting_topic = serializers.CharField(source="meeting.topic", read_only=True, default="")

    class Meta:
        model = Appraisal
        fields = [
            "id", "branch", "branch_name", "year", "meeting", "meeting_topic", "rating_closes_on", "status",
            "concluded_on",
        ]  # fmt: skip
        read_only_fields = fields


class SubjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppraisalSubject
        fields = ["id", "name"]
        read_only_fields = fields


class MineSerializer(serializers.Serializer):
    """The caller's own place: their self-assessment and the grades they gave (subject id → grade)."""

    id = serializers.IntegerField()
    self_assessment = serializers.CharField(allow_blank=True)
    self_submitted_at = serializers.DateTimeField(allow_null=True)
    ratings = serializers.DictField(child=serializers.ChoiceField(choices=GRADES))


class TallySerializer(serializers.Serializer):
    subject = serializers.IntegerField(source="subject.pk")
    name = serializers.CharField(source="subject.name")
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="grade → how many raters gave it")
    rated_by = serializers.IntegerField()
    suggested = serializers.CharField(allow_blank=True, help_text="the grade most raters gave")
    self_submitted = serializers.SerializerMethodField()
    conclusion = serializers.CharField(source="subject.conclusion", allow_blank=True)
    conclusion_note = serializers.CharField(source="subject.conclusion_note", allow_blank=True)

    def get_self_submitted(self, row: service.Tally) -> bool:
        return row.subject.self_submitted_at is not None


class AppraisalDetailSerializer(serializers.Serializer):
    appraisal = AppraisalSerializer()
    subjects = SubjectSerializer(many=True, help_text="everyone appraised (whom a member rates)")
    mine = MineSerializer(allow_null=True, help_text="null when the caller is not on the list")
    tallies = TallySerializer(many=True, allow_null=True, help_text="the branch committee only; null otherwise")


class AppraisalOpenSerializer(InputSerializer):
    branch = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.none(), help_text="a branch you manage")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    rating_closes_on = serializers.DateField()
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.filter(kind=Meeting.Kind.APPRAISAL), required=False, allow_null=True
    )

    def __init__(self, *args: Any, managed: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if managed is not None:
            self.fields["branch"].queryset = managed  # type: ignore[attr-defined]


class SelfSerializer(InputSerializer):
    self_assessment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class RateSerializer(InputSerializer):
    grades = serializers.DictField(
        child=serializers.ChoiceField(choices=GRADES), required=False, default=dict, help_text="subject id → grade"
    )

    def validate_grades(self, value: dict[str, str]) -> dict[int, str]:
        if not all(key.isdigit() for key in value):
            raise serializers.ValidationError(_("评议对象不在本次民主评议的名单中。"))
        return {int(key): grade for key, grade in value.items()}


class ConclusionSerializer(serializers.Serializer):
    subject = serializers.IntegerField()
    grade = serializers.ChoiceField(choices=GRADES)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ConcludeSerializer(InputSerializer):
    concluded_on = serializers.DateField()
    conclusions = ConclusionSerializer(many=True, help_text="a grade for every member appraised")


def _managed_branches(user: Any) -> Any:
    return OrgUnit.objects.filter(
        scope_for(user).units_q(manage=True), kind=OrgUnit.Kind.BRANCH, closed_on__isnull=True
    )


def _detail(user: Any, appraisal: Appraisal) -> dict[str, Any]:
    mine = service.my_subject(acting_user=user, appraisal=appraisal)
    own = None
    if mine is not None:
        own = {
            "id": mine.pk,
            "self_assessment": mine.self_assessment,
            "self_submitted_at": mine.self_submitted_at,
            "ratings": {str(k): v for k, v in service.my_ratings(rater=mine).items()},
        }
    on_committee = service.on_committee(acting_user=user, branch=appraisal.branch)
    return {
        "appraisal": appraisal,
        "subjects": appraisal.subjects.order_by("name", "pk"),
        "mine": own,
        "tallies": service.appraisal_tally(acting_user=user, appraisal=appraisal) if on_committee else None,
    }


class AppraisalViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Appraisals of the branches the caller sees and those the caller is appraised in."""

    permission_classes = [IsAuthenticated]
    serializer_class = AppraisalSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        return service.appraisals_seen(acting_user=self.request.user)

    def _appraisal(self, pk: str) -> Appraisal:
        try:
            return service.appraisal_get(acting_user=self.request.user, pk=int(pk))
        except (Appraisal.DoesNotExist, ValueError):
            raise Http404 from None

    @extend_schema(responses=AppraisalDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(AppraisalDetailSerializer(_detail(request.user, self._appraisal(pk))).data)

    @extend_schema(request=AppraisalOpenSerializer, responses={201: AppraisalDetailSerializer})
    def create(self, request: Request) -> Response:
        """Open a branch's appraisal of a year, its list the branch's members now (managers)."""
        if not scope_for(request.user).is_manager:
            raise PermissionDenied(_("只有支部书记、组织委员和组织管理员可以组织民主评议。"))
        body = AppraisalOpenSerializer(data=request.data, managed=_managed_branches(request.user))
        body.is_valid(raise_exception=True)
        appraisal = service.appraisal_open(acting_user=request.user, **body.validated_data)
        return Response(
            AppraisalDetailSerializer(_detail(request.user, appraisal)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=SelfSerializer, responses=MineSerializer)
    @action(detail=True, methods=["post"], url_path="self")
    def self_assessment(self, request: Request, pk: str) -> Response:
        """Submit or change the caller's self-assessment while the appraisal is open."""
        appraisal = self._appraisal(pk)
        body = SelfSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service.appraisal_self_submit(
            acting_user=request.user, appraisal=appraisal, text=body.validated_data["self_assessment"]
        )
        return Response(MineSerializer(_detail(request.user, appraisal)["mine"]).data)

    @extend_schema(request=RateSerializer, responses=MineSerializer)
    @action(detail=True, methods=["post"])
    def ratings(self, request: Request, pk: str) -> Response:
        """Rate others (subject id → grade) until the rating closes; a later grade replaces one."""
        appraisal = self._appraisal(pk)
        body = RateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service.appraisal_rate(acting_user=request.user, appraisal=appraisal, grades=body.validated_data["grades"])
        return Response(MineSerializer(_detail(request.user, appraisal)["mine"]).data)

    @extend_schema(request=ConcludeSerializer, responses=AppraisalDetailSerializer)
    @action(detail=True, methods=["post"])
    def conclude(self, request: Request, pk: str) -> Response:
        """The branch committee's grade for everyone, onto their records; final."""
        appraisal = self._appraisal(pk)
        service.appraisal_tally(acting_user=request.user, appraisal=appraisal)  # 403 off the committee
        body = ConcludeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        conclusions = {row["subject"]: (row["grade"], row["note"]) for row in body.validated_data["conclusions"]}
        appraisal = service.appraisal_conclude(
            acting_user=request.user,
            appraisal=appraisal,
            conclusions=conclusions,
            concluded_on=body.validated_data["concluded_on"],
        )
        return Response(AppraisalDetailSerializer(_detail(request.user, appraisal)).data)
