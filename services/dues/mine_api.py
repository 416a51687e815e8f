"""The member's own dues in the API (``GET /api/dues/mine/``): what 我的党费 shows. Only the
caller's record; an account without one gets ``member: null`` and empty lists."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.serializers import InputSerializer
from services.kernel.text import single_line

from . import declarations, mine
from .base_api import BaseSerializer, DeclarationSerializer
from .base_forms import month_parse
from .bases import money_parse
from .models import Entry

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class MonthLineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    billed = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(**MONEY)
    reduced = serializers.DecimalField(**MONEY)
    outstanding = serializers.DecimalField(**MONEY)


class HistoryLineSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="line.year")
    month = serializers.IntegerField(source="line.month")
    billed = serializers.DecimalField(**MONEY, source="line.billed")
    paid = serializers.DecimalField(**MONEY, source="line.paid")
    reduced = serializers.DecimalField(**MONEY, source="line.reduced")
    outstanding = serializers.DecimalField(**MONEY, source="line.outstanding")
    methods = serializers.ListField(child=serializers.CharField(), help_text="how the month was paid")


class ReceiptSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Entry.Kind.choices, source="entry.kind")
    year = serializers.IntegerField(source="entry.year")
    month = serializers.IntegerField(source="entry.month")
    amount = serializers.DecimalField(**MONEY, help_text="positive: what was paid or refunded")
    method = serializers.CharField(source="entry.method", allow_blank=True)
    method_label = serializers.CharField(source="entry.get_method_display")
    reference = serializers.CharField(source="entry.reference", allow_blank=True)
    paid_by_name = serializers.CharField(source="entry.paid_by_name", allow_blank=True)
    created_at = serializers.DateTimeField(source="entry.created_at")
    order_no = serializers.CharField(
        allow_blank=True,
        help_text="an online payment's order number (its receipt: GET /api/dues/pay/orders/{order_no}/)",
    )


class MyDuesSerializer(serializers.Serializer):
    member = serializers.IntegerField(allow_null=True, source="member.pk", default=None)
    base = BaseSerializer(allow_null=True)
    amount = serializers.DecimalField(**MONEY, allow_null=True, help_text="the monthly amount")
    explanation = serializers.CharField(allow_blank=True, help_text="how the amount is computed, citing the rule")
    explained_by_bill = serializers.BooleanField(help_text="true: the latest bill's stored basis")
    outstanding = MonthLineSerializer(many=True)
    outstanding_total = serializers.DecimalField(**MONEY)
    history = HistoryLineSerializer(many=True, help_text="newest first")
    receipts = ReceiptSerializer(many=True)


class MyDuesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MyDuesSerializer)
    def get(self, request: Request) -> Response:
        return Response(MyDuesSerializer(mine.my_dues(acting_user=request.user)).data)


class DeclareSerializer(InputSerializer):
    monthly_base = serializers.CharField(max_length=20, help_text='the new base, yuan as a decimal string ("5200.00")')
    starts_on = serializers.CharField(max_length=10, help_text="the month the pay changed: 2027-03")
    reason = serializers.CharField(max_length=200, validators=[single_line])

    def validate_monthly_base(self, value: str) -> Any:
        return money_parse(value)

    def validate_starts_on(self, value: str) -> Any:
        return month_parse(value)


class MyDeclarationsView(APIView):
    """GET: the caller's declarations, latest first; POST: declare a changed base (the branch confirms it)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DeclarationSerializer(many=True))
    def get(self, request: Request) -> Response:
        member = mine.my_member(acting_user=request.user)
        found = declarations.my_declarations(member=member) if member else []
        return Response(DeclarationSerializer(found, many=True).data)

    @extend_schema(request=DeclareSerializer, responses={201: DeclarationSerializer})
    def post(self, request: Request) -> Response:
        body = DeclareSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        declaration = declarations.declaration_submit(acting_user=request.user, **body.validated_data)
        return Response(DeclarationSerializer(declaration).data, status=201)
