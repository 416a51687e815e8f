"""Development API: dossiers (list, detail, create), their steps (list, record), guards and the
advance action. Every query goes through selectors.py, narrowed to the caller's scope; every write
through services.py. National ID numbers are masked."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from services.kernel import inputs
from services.kernel.serializers import InputSerializer
from services.kernel.text import FREE_TEXT_MAX, free_text, single_line
from services.members.models import Member
from services.members.record import mask
from services.organization.models import OrgUnit
from services.procedures.models import Stage

from . import guards as g
from . import selectors, services
from .models import Dossier, DossierContact, DossierStep


class DossierSerializer(serializers.ModelSerializer):
    national_id = serializers.SerializerMethodField()
    branch_name = serializers.CharField(source="branch.name", read_only=True)

    class Meta:
        model = Dossier
        fields = [
            "id",
            "name",
            "gender",
            "birth_date",
            "national_id",
            "category",
            "number",
            "branch",
            "branch_name",
            "stage",
            "applied_on",
            "activist_on",
            "target_on",
            "admitted_on",
            "probation_ends_on",
            "extension_months",
            "confirmed_on",
            "ended_on",
            "member",
        ]
        read_only_fields = fields

    def get_national_id(self, obj: Dossier) -> str:
        return mask("national_id", obj.national_id)


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    filename = serializers.CharField()
    size = serializers.IntegerField()


class StepSerializer(serializers.ModelSerializer):
    documents = DocumentSerializer(many=True, read_only=True)
    actor_members: serializers.PrimaryKeyRelatedField[Member] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = DossierStep
        fields = [
            "id",
            "code",
            "title",
            "occurred_on",
            "ends_on",
            "hours",
            "days",
            "note",
            "review",
            "review_note",
            "actor_members",
            "documents",
        ]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = DossierContact
        fields = ["id", "role", "member", "member_name", "assigned_on", "ended_on"]
        read_only_fields = fields


class DossierDetailSerializer(DossierSerializer):
    steps = StepSerializer(many=True, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "steps", "contacts"]
        read_only_fields = fields


class DossierCreateSerializer(InputSerializer):
    name = serializers.CharField(validators=[single_line], max_length=50)
    national_id = serializers.CharField(validators=[single_line], max_length=18)
    category = serializers.ChoiceField(choices=Member.Category.choices)
    number = serializers.CharField(validators=[single_line], max_length=30, required=False, allow_blank=True)
    branch = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH))
    applied_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=FREE_TEXT_MAX, validators=[free_text])


class StepCreateSerializer(InputSerializer):
    code = serializers.CharField(validators=[single_line], max_length=40)
    occurred_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    hours = serializers.DecimalField(
        max_digits=6, decimal_places=1, required=False, allow_null=True, coerce_to_string=False, min_value=0
    )
    days = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, max_length=FREE_TEXT_MAX, validators=[free_text])
    document_kind = serializers.CharField(validators=[single_line], required=False, allow_blank=True, max_length=50)
    documents = serializers.ListField(child=serializers.FileField(), required=False, help_text="multipart only")


class GuardSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=[g.PASSED, g.WAITING, g.FAILED])
    blocking = serializers.BooleanField()
    missing = serializers.CharField()
    satisfied_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    rule_key = serializers.CharField()
    citation = serializers.CharField()


class GuardsSerializer(serializers.Serializer):
    to_stage = serializers.CharField(allow_blank=True)
    on = serializers.DateField()
    guards = GuardSerializer(many=True)


class AdvanceSerializer(InputSerializer):
    to_stage = serializers.ChoiceField(choices=[Stage.ACTIVIST, Stage.TARGET])
    on_date = serializers.DateField()


BRANCH = inputs.Id("branch", "an org unit id: dossiers of its whole subtree")
STAGE = inputs.choice("stage", Stage.values)
Q = inputs.Text("q", "name prefix or exact student/staff number", max_length=50)
ON = inputs.Day("on", "the decision or meeting date (YYYY-MM-DD), default today")


@extend_schema_view(list=extend_schema(parameters=[p.openapi() for p in (BRANCH, STAGE, Q)]))
class DossierViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = DossierSerializer

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return selectors.dossier_list(
            acting_user=self.request.user,
            branch_id=BRANCH.read(params),
            stage=STAGE.read(params),
            q=Q.read(params),
        )

    def _dossier(self) -> Dossier:
        dossier = self.get_object()  # 404 outside the scope, before anything else
        return selectors.dossier_get(acting_user=self.request.user, pk=dossier.pk)

    @extend_schema(responses=DossierDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(DossierDetailSerializer(self._dossier()).data)

    @extend_schema(request=DossierCreateSerializer, responses={201: DossierSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = DossierCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        dossier = services.dossier_create(acting_user=request.user, **body.validated_data)
        return Response(DossierSerializer(dossier).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=StepSerializer(many=True))
    @extend_schema(methods=["POST"], request=StepCreateSerializer, responses={201: StepSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # every step of one dossier
    def steps(self, request: Request, pk: str) -> Response:
        dossier = self._dossier()
        if request.method == "GET":
            return Response(StepSerializer(dossier.steps.all(), many=True).data)
        body = StepCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        kind = data.pop("document_kind", "")
        files = data.pop("documents", [])
        uploads = [services.Upload(kind=kind, filename=f.name, stream=f) for f in files]
        step = services.dossier_step_record(
            dossier=dossier,
            acting_user=request.user,
            code=data.pop("code"),
            uploads=uploads,
            **data,
        )
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ON.openapi()], responses=GuardsSerializer)
    @action(detail=True, methods=["get"])
    def guards(self, request: Request, pk: str) -> Response:
        """The guards of the dossier's next stage, each with its rule key and citation."""
        dossier = self._dossier()
        today = timezone.localdate()
        on = ON.read(request.query_params) or today
        to_stage = g.NEXT_STAGE.get(Stage(dossier.stage)) if dossier.stage != Stage.ENDED else None
        found = g.guards_for(dossier, to_stage=to_stage, on=on, today=today) if to_stage else []
        return Response(GuardsSerializer({"to_stage": to_stage or "", "on": on, "guards": found}).data)

    @extend_schema(request=AdvanceSerializer, responses=DossierSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str) -> Response:
        dossier = self._dossier()
        body = AdvanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        dossier = services.dossier_advance(
            dossier=dossier,
            to_stage=body.validated_data["to_stage"],
            on_date=body.validated_data["on_date"],
            acting_user=request.user,
        )
        return Response(DossierSerializer(dossier).data)


class ReviewSerializer(InputSerializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    note = serializers.CharField(validators=[free_text], required=False, allow_blank=True, max_length=300, default="")


class StepViewSet(viewsets.GenericViewSet):
    """Steps of the dossiers the user sees; reviewing one needs manage rights on its branch."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = StepSerializer

    def get_queryset(self) -> Any:
        visible = selectors.dossier_list(acting_user=self.request.user).order_by().values("pk")
        return DossierStep.objects.filter(dossier_id__in=visible).select_related("dossier__branch")

    @extend_schema(request=ReviewSerializer, responses=StepSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        """Approve a recorded step, or send it back with a note ("一步一审"); a step is reviewed once."""
        step = self.get_object()  # 404 outside what the user sees
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        step = services.dossier_step_review(
            step=step,
            approve=body.validated_data["decision"] == "approve",
            note=body.validated_data["note"],
            acting_user=request.user,
        )
        return Response(StepSerializer(step).data)
