"""Votes API: list/create/retrieve/delete votes, record a meeting, exclude or re-include an elector.
Every query goes through services/votes/selectors.py, narrowed to the caller's scope; every write
through services/votes/services.py."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel import inputs
from services.kernel.serializers import InputSerializer
from services.kernel.text import single_line
from services.organization.models import OrgUnit
from services.orglife.models import Meeting

from . import selectors, services
from .inputs import VoteInput
from .models import BranchVote, Candidate, Elector


class ElectorSerializer(serializers.ModelSerializer):
    presence = serializers.ChoiceField(
        choices=[("", "—"), *Elector.Presence.choices], read_only=True, help_text="empty until the meeting is recorded"
    )

    class Meta:
        model = Elector
        fields = [
            "id",
            "member",
            "name",
            "member_status",
            "entitled",
            "exclusion",
            "exclusion_note",
            "exclusion_approved_by",
            "exclusion_approved_on",
            "presence",
            "written_opinions",
        ]
        read_only_fields = fields


class CandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = ["id", "dossier", "name", "yes", "no", "abstain", "outcome"]
        read_only_fields = fields


class EligibleDossierSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    branch = serializers.IntegerField(source="branch_id")
    branch_name = serializers.CharField(source="branch.name")
    stage = serializers.CharField()
    kind = serializers.SerializerMethodField()

    def get_kind(self, obj: Any) -> str:
        return BranchVote.Kind.ADMISSION if obj.stage == services.VOTABLE_STAGE["admission"] else "confirmation"


class VoteSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)

    class Meta:
        model = BranchVote
        fields = [
            "id",
            "branch",
            "branch_name",
            "kind",
            "meeting",
            "meeting_on",
            "place",
            "host",
            "recorder",
            "status",
            "outcome",
            "entitled_count",
            "present_count",
            "written_count",
        ]
        read_only_fields = fields


class VoteDetailSerializer(VoteSerializer):
    candidates = CandidateSerializer(many=True, read_only=True)
    electors = ElectorSerializer(many=True, read_only=True)

    class Meta(VoteSerializer.Meta):
        fields = [*VoteSerializer.Meta.fields, "rules_applied", "candidates", "electors"]
        read_only_fields = fields


class VoteCreateSerializer(InputSerializer):
    branch = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH))
    kind = serializers.ChoiceField(choices=BranchVote.Kind.choices)
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all(), required=False, allow_null=True)
    meeting_on = serializers.DateField()
    place = serializers.CharField(
        validators=[single_line], max_length=100, required=False, allow_blank=True, default=""
    )
    host = serializers.CharField(validators=[single_line], max_length=50)
    recorder = serializers.CharField(validators=[single_line], max_length=50)
    dossiers = serializers.ListField(child=serializers.IntegerField(), min_length=1)


class CountSerializer(InputSerializer):
    candidate = serializers.IntegerField()
    yes = serializers.IntegerField(min_value=0)
    no = serializers.IntegerField(min_value=0)
    abstain = serializers.IntegerField(min_value=0)


class PresenceSerializer(InputSerializer):
    elector = serializers.IntegerField()
    presence = serializers.ChoiceField(choices=Elector.Presence.choices)
    # For a written opinion: {candidate id: "yes" | "no" | "abstain"}.
    opinions = serializers.DictField(child=serializers.ChoiceField(choices=services.CHOICES), required=False)


class RecordSerializer(InputSerializer):
    """The record of the meeting; ``vote_input()`` hands it to the service as the page's form does."""

    presence = PresenceSerializer(many=True)
    counts = CountSerializer(many=True)

    def vote_input(self) -> VoteInput:
        rows = self.validated_data["presence"]
        return VoteInput(
            presence={row["elector"]: row["presence"] for row in rows},
            written_opinions={
                row["elector"]: {
                    candidate: v
                    for k, v in (row.get("opinions") or {}).items()
                    if (candidate := inputs.ascii_int(str(k))) is not None
                }
                for row in rows
            },
            counts={
                row["candidate"]: {"yes": row["yes"], "no": row["no"], "abstain": row["abstain"]}
                for row in self.validated_data["counts"]
            },
        )


class ExcludeSerializer(InputSerializer):
    reason = serializers.ChoiceField(
        choices=[c for c in Elector.Exclusion.values if c not in ("", "probationary", "status")]
    )
    approved_by = serializers.CharField(validators=[single_line], max_length=100)
    approved_on = serializers.DateField()
    note = serializers.CharField(validators=[single_line], max_length=200, required=False, allow_blank=True, default="")


ELIGIBLE_BRANCH = inputs.Id("branch", "a branch id")
ELIGIBLE_KIND = inputs.choice("kind", BranchVote.Kind.values)


class VoteViewSet(viewsets.ModelViewSet):
    """Votes of the branches the caller sees; writes need a manager of the branch."""

    permission_classes = [IsAuthenticated]
    serializer_class = VoteSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self) -> Any:
        return selectors.vote_list(acting_user=self.request.user)

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return VoteCreateSerializer
        if self.action == "record":
            return RecordSerializer
        if self.action == "eligible":
            return EligibleDossierSerializer
        return VoteDetailSerializer if self.action == "retrieve" else VoteSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        vote = self.get_object()
        loaded = BranchVote.objects.select_related("branch").prefetch_related("candidates", "electors").get(pk=vote.pk)
        return Response(VoteDetailSerializer(loaded).data)

    @extend_schema(request=VoteCreateSerializer, responses={201: VoteDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = VoteCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        branch = data.pop("branch")
        from services.development.models import Dossier

        wanted = data.pop("dossiers")
        dossiers = list(Dossier.objects.filter(pk__in=wanted))
        if len(dossiers) != len(set(wanted)):
            raise ValidationError({"dossiers": ["找不到部分发展档案。"]})
        vote = services.vote_create(branch=branch, dossiers=dossiers, acting_user=request.user, **data)
        return Response(VoteDetailSerializer(vote).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        vote = self.get_object()
        services.vote_delete(vote=vote, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[ELIGIBLE_BRANCH.openapi(), ELIGIBLE_KIND.openapi()], responses=EligibleDossierSerializer(many=True)
    )
    @action(detail=False, methods=["get"])
    def eligible(self, request: Request) -> Response:
        """Dossiers the caller may put to a vote: development targets (admission) and probationary
        members (confirmation) of the branches they manage."""
        dossiers = selectors.eligible_dossiers(
            acting_user=request.user,
            branch_id=ELIGIBLE_BRANCH.read(request.query_params),
            kind=ELIGIBLE_KIND.read(request.query_params),
        )
        page = self.paginate_queryset(dossiers)
        return self.get_paginated_response(EligibleDossierSerializer(page, many=True).data)

    @extend_schema(request=RecordSerializer, responses=VoteDetailSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str) -> Response:
        """Record presence, written opinions and counts; the outcome is computed (quorum
        ``votes.quorum_fraction``, majority ``votes.majority_fraction``)."""
        vote = self.get_object()  # 404 before 400: an id outside the scope reveals nothing
        body = RecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.vote_record(vote=vote, vote_input=body.vote_input(), acting_user=request.user)
        loaded = BranchVote.objects.prefetch_related("candidates", "electors").get(pk=vote.pk)
        return Response(VoteDetailSerializer(loaded).data)


def _elector(request: Request, pk: int) -> Elector:
    try:
        return selectors.elector_get(acting_user=request.user, pk=pk)
    except Elector.DoesNotExist:
        raise Http404 from None


class ElectorExcludeView(APIView):
    """Take an entitled full member out of the count with an approved reason (lowers quorum and majority)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ExcludeSerializer, responses=ElectorSerializer)
    def post(self, request: Request, pk: int) -> Response:
        elector = _elector(request, pk)
        body = ExcludeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        elector = services.elector_exclude(elector=elector, acting_user=request.user, **body.validated_data)
        return Response(ElectorSerializer(elector).data)


class ElectorIncludeView(APIView):
    """Undo an approved exclusion."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ElectorSerializer)
    def post(self, request: Request, pk: int) -> Response:
        elector = _elector(request, pk)
        elector = services.elector_include(elector=elector, acting_user=request.user)
        return Response(ElectorSerializer(elector).data)
