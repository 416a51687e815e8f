"""API of the dues bases: a manager's list (the base in force this month and its amount), one
member's base history, setting a base from a month, and the members' declarations to decide. Thin
over bases.py and declarations.py; money is a decimal string in yuan ("4200.00"), never a JSON
number. Refusals go through the one exception handler."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel import inputs
from services.kernel.serializers import InputSerializer
from services.kernel.text import single_line

from . import bases, declarations
from .base_views import member_for_bases
from .models import Base, BaseDeclaration, Category


class BaseSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    category_label = serializers.CharField(source="get_category_display")
    monthly_base = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    starts_on = serializers.DateField(help_text="the first day of the month it applies from")
    source = serializers.ChoiceField(choices=Base.Source.choices)  # type: ignore[assignment]
    note = serializers.CharField(allow_blank=True)


class BaseRowSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member.pk")
    name = serializers.CharField(source="member.name")
    branch = serializers.CharField(source="member.branch.name")
    base = BaseSerializer(allow_null=True, help_text="null: no base set")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True, help_text="this month's dues")
    explanation = serializers.CharField(allow_blank=True, help_text="how the amount is computed, with the rule cited")


class BaseSetSerializer(InputSerializer):
    category = serializers.ChoiceField(choices=Category.choices)
    monthly_base = serializers.CharField(
        max_length=20,
        allow_null=True,
        required=False,
        help_text='yuan as a decimal string ("4200.00"); null for the flat categories',
    )
    starts_on = serializers.DateField(help_text="the first day of the month the base applies from")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, validators=[single_line])

    def validate_monthly_base(self, value: str | None) -> Decimal | None:
        return bases.money_parse(value) if value not in (None, "") else None


LIST_UNIT = inputs.Id("unit", "one branch's members")
LIST_CATEGORY = inputs.choice("category", Category.values, "the base in force is of this category")
LIST_MISSING = inputs.choice("missing", ("1", "0"), "1: only the members without a base")
LIST_PARAMETERS = (LIST_UNIT, LIST_CATEGORY, LIST_MISSING)
DECLARATIONS_ALL = inputs.choice("all", ("1", "0"), "1: the decided declarations too")


class BaseListView(APIView):
    """GET: the members the caller manages with the base in force this month (``unit``: one
    branch; ``category``; ``missing=1``: only those without a base)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[p.openapi() for p in LIST_PARAMETERS], responses=BaseRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        params = request.query_params
        rows = bases.bases_list(
            acting_user=request.user,
            unit_id=LIST_UNIT.read(params),
            category=LIST_CATEGORY.read(params),
            missing=LIST_MISSING.read(params) == "1",
        )
        return Response(BaseRowSerializer(rows, many=True).data)


class MemberBasesView(APIView):
    """GET: one member's bases, latest first; POST: set a base from a month (a base of that month is replaced)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=BaseSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        member = member_for_bases(request, pk)  # type: ignore[arg-type]
        return Response(BaseSerializer(bases.base_history(member=member), many=True).data)

    @extend_schema(request=BaseSetSerializer, responses={201: BaseSerializer})
    def post(self, request: Request, pk: int) -> Response:
        member = member_for_bases(request, pk)  # type: ignore[arg-type]
        body = BaseSetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(body.validated_data)
        data.setdefault("monthly_base", None)
        base = bases.base_set(acting_user=request.user, member=member, **data)
        return Response(BaseSerializer(base).data, status=201)


class DeclarationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.IntegerField(source="member_id")
    name = serializers.CharField(source="member.name")
    monthly_base = serializers.DecimalField(max_digits=12, decimal_places=2)
    starts_on = serializers.DateField()
    reason = serializers.CharField()
    status = serializers.ChoiceField(choices=BaseDeclaration.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    decision_note = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class DecisionSerializer(InputSerializer):
    confirm = serializers.BooleanField(help_text="true: set the declared base; false: refuse (a note is required)")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, validators=[single_line])


class DeclarationListView(APIView):
    """GET: the declarations of the members the caller manages, waiting ones (``all=1``: decided too)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[DECLARATIONS_ALL.openapi()], responses=DeclarationSerializer(many=True))
    def get(self, request: Request) -> Response:
        include_decided = DECLARATIONS_ALL.read(request.query_params) == "1"
        found = declarations.declarations_to_decide(acting_user=request.user, include_decided=include_decided)
        return Response(DeclarationSerializer(found[:200], many=True).data)


class DeclarationDecideView(APIView):
    """POST: confirm or refuse a waiting declaration."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=DecisionSerializer, responses=DeclarationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        try:
            declaration = declarations.declaration_get(acting_user=request.user, pk=pk)
        except BaseDeclaration.DoesNotExist:
            raise NotFound from None
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = declarations.declaration_decide(
            acting_user=request.user,
            declaration=declaration,
            confirm=body.validated_data["confirm"],
            note=body.validated_data.get("note", ""),
        )
        return Response(DeclarationSerializer(decided).data)
