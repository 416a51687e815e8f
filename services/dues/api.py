"""The dues month and ledger API, under api/dues/: the months (list, open, close), a branch's
entries for a month, recording a payment (or a voluntary payment) for a member, and reversing an
entry. The same services as the pages; errors go through the one exception handler."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.serializers import InputSerializer
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.scope import can_manage, scope_for

from . import services
from .forms import METHOD_CHOICES
from .ledger import NOT_YOURS, parse_yuan
from .models import Entry, Month
from .month_sheet import month_rows
from .months import require_run_months


class DuesMonthSerializer(serializers.ModelSerializer):
    class Meta:
        model = Month
        fields = ["id", "year", "month", "status", "year_closed", "opened_at", "closed_at"]
        read_only_fields = fields


class DuesMonthRowSerializer(serializers.Serializer):
    month = DuesMonthSerializer()
    billed = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    reduced = serializers.DecimalField(max_digits=14, decimal_places=2)
    rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class MonthOpenSerializer(InputSerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)


class MonthBillingSerializer(serializers.Serializer):
    month = DuesMonthSerializer()
    bills = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    missing_base = serializers.SerializerMethodField()

    def get_missing_base(self, billing: Any) -> list[dict[str, Any]]:
        return [{"id": m.pk, "name": m.name} for m in billing.missing_base]


class DuesEntrySerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Entry
        fields = [
            "id", "member", "member_name", "unit", "kind", "year", "month", "booked", "amount", "method",
            "reference", "paid_by_name", "corrects", "basis", "remit_upward", "note", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class RecordPaymentSerializer(InputSerializer):
    voluntary = serializers.BooleanField(default=False)
    months = serializers.ListField(child=serializers.RegexField(r"^\d{4}-\d{2}$"), required=False, max_length=24)
    amount = serializers.CharField(max_length=20, help_text='yuan as text, e.g. "40.00"')
    method = serializers.ChoiceField(choices=METHOD_CHOICES)
    reference = serializers.CharField(max_length=64)
    paid_by_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_amount(self, value: str) -> Decimal:
        """Positive, at most 1,000,000 yuan, to the fen (``ledger.parse_yuan``)."""
        try:
            return parse_yuan(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["amount"]) from None


class EntryReverseSerializer(InputSerializer):
    reason = serializers.CharField(max_length=200)
    corrected_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, max_value=1000000, required=False, allow_null=True
    )


class MonthsView(APIView):
    """GET: the latest months with the collection of the branches the caller manages. POST: open a month."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DuesMonthRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        if not scope.is_manager:
            raise PermissionDenied(_("只有支部书记、组织委员和组织管理员可以管理党费。"))
        return Response(DuesMonthRowSerializer(month_rows(scope), many=True).data)

    @extend_schema(request=MonthOpenSerializer, responses={201: MonthBillingSerializer})
    def post(self, request: Request) -> Response:
        require_run_months(request.user)
        body = MonthOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        billing = services.open_month(acting_user=request.user, **body.validated_data)
        return Response(MonthBillingSerializer(billing).data, status=201)


class MonthCloseView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=DuesMonthSerializer)
    def post(self, request: Request, pk: int) -> Response:
        require_run_months(request.user)
        month = Month.objects.filter(pk=pk).first()
        if month is None:
            raise Http404
        return Response(DuesMonthSerializer(services.close_month(acting_user=request.user, month=month)).data)


class UnitEntriesView(APIView):
    """Every entry of a branch's month (the ledger lines the sheet sums)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DuesEntrySerializer(many=True))
    def get(self, request: Request, pk: int, year: int, month: int) -> Response:
        scope = scope_for(request.user)
        unit = OrgUnit.objects.filter(scope.units_q(manage=True), pk=pk).first()
        if unit is None:
            raise Http404
        entries = Entry.objects.filter(unit=unit, year=year, month=month).select_related("member").order_by("pk")
        return Response(DuesEntrySerializer(entries[:5000], many=True).data)


class PaymentView(APIView):
    """Record cash or a bank transfer for a member: for ``months`` ("2026-11"), or ``voluntary``."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=RecordPaymentSerializer, responses={201: DuesEntrySerializer(many=True)})
    def post(self, request: Request, pk: int) -> Response:
        member = Member.objects.filter(scope_for(request.user).members_q(), pk=pk).select_related("branch").first()
        if member is None:
            raise Http404
        if not can_manage(acting_user=request.user, unit=member.branch):
            raise PermissionDenied(NOT_YOURS % {"unit": member.branch.name})
        body = RecordPaymentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        months = [(int(v[:4]), int(v[5:])) for v in data.pop("months", [])]
        if data.pop("voluntary"):
            entries = [services.voluntary_record(acting_user=request.user, member=member, **data)]
        else:
            entries = services.payment_record(acting_user=request.user, member=member, months=months, **data)
        return Response(DuesEntrySerializer(entries, many=True).data, status=201)


class EntryReverseView(APIView):
    """Reverse an entry (and, for a bill, write the corrected bill)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=EntryReverseSerializer, responses={201: DuesEntrySerializer(many=True)})
    def post(self, request: Request, pk: int) -> Response:
        scope = scope_for(request.user)
        entry = Entry.objects.filter(scope.units_q("unit__", manage=True), pk=pk).select_related("unit").first()
        if entry is None:
            raise Http404
        body = EntryReverseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        written = services.entry_reverse(acting_user=request.user, entry=entry, **body.validated_data)
        return Response(DuesEntrySerializer(written, many=True).data, status=201)
