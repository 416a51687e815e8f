"""Paying dues online through the API (docs/dues.md "Paying online"): the caller's payable
periods and orders, starting an order (the provider's page or code comes back), asking the
provider; for managers, the reconciliation lines and importing a statement. Thin over the same
services as the pages; refusals go through the one exception handler."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel.actions import client_ip
from services.kernel.serializers import InputSerializer
from services.members.selectors import member_of

from .models import PaymentOrder
from .pay_views import order_for
from .payments.models import Mismatch
from .payments.orders import order_create, payable_periods
from .payments.sync import order_sync
from .reconcile import PARSERS, mismatches_for, statement_import


class DuesPeriodSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='"2026-11", or "2026-Q4" in a branch that pays quarterly')
    label = serializers.CharField()  # type: ignore[assignment]  # the period's name, not the field's
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    months = serializers.SerializerMethodField()

    def get_months(self, period: Any) -> list[str]:
        return [f"{y}-{m:02d}" for y, m, _ in period.months]


class DuesOrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentOrder
        fields = ["out_trade_no", "provider", "amount", "months", "status", "provider_txn", "created_at", "paid_at"]
        read_only_fields = fields


class DuesOrderCreateSerializer(InputSerializer):
    provider = serializers.ChoiceField(choices=["wechat", "alipay", "sandbox"])
    periods = serializers.ListField(child=serializers.CharField(max_length=10), required=False, max_length=240)


class DuesCheckoutSerializer(serializers.Serializer):
    order = DuesOrderSerializer()
    pay_url = serializers.CharField(allow_blank=True, help_text="open it on the phone (H5, Alipay, sandbox)")
    code_url = serializers.CharField(allow_blank=True, help_text="show it as a QR code (WeChat Native)")


class DuesOrderCheckSerializer(serializers.Serializer):
    state = serializers.CharField(help_text="paid, pending, closed or unknown")
    order = DuesOrderSerializer()


class DuesMismatchSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", default="", read_only=True)

    class Meta:
        model = Mismatch
        fields = [
            "id",
            "kind",
            "provider",
            "out_trade_no",
            "provider_txn",
            "expected",
            "received",
            "member",
            "member_name",
            "unit",
            "created_at",
        ]
        read_only_fields = fields


class DuesStatementUploadSerializer(InputSerializer):
    provider = serializers.ChoiceField(choices=list(PARSERS))
    day = serializers.DateField()
    file = serializers.FileField()


class DuesStatementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lines = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    mismatches = serializers.IntegerField()


# An order's number as the app makes it (payments/orders.py: letters and digits, at most 32).
ORDER_NUMBER = OpenApiParameter(
    "out_trade_no", str, OpenApiParameter.PATH, required=True, pattern="^[A-Za-z0-9]{1,32}$"
)


def _member(request: Request) -> Any:
    member = member_of(request.user)
    if member is None:
        raise PermissionDenied(_("您的账号没有关联党员档案，无法在线交纳党费。"))
    return member


class PeriodsView(APIView):
    """What the caller may pay now (their outstanding months, or quarters; none without a member record)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DuesPeriodSerializer(many=True))
    def get(self, request: Request) -> Response:
        member = member_of(request.user)  # an account with no member record owes nothing
        return Response(DuesPeriodSerializer(payable_periods(member) if member else [], many=True).data)


class OrdersView(APIView):
    """The caller's own orders; POST starts one for the chosen periods (all when none is given)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DuesOrderSerializer(many=True))
    def get(self, request: Request) -> Response:
        orders = PaymentOrder.objects.filter(member__user_id=request.user.pk or 0).order_by("-created_at")[:100]
        return Response(DuesOrderSerializer(orders, many=True).data)

    @extend_schema(request=DuesOrderCreateSerializer, responses={201: DuesCheckoutSerializer})
    def post(self, request: Request) -> Response:
        body = DuesOrderCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        provider = body.validated_data["provider"]
        order, checkout = order_create(
            acting_user=request.user,
            member=_member(request),
            provider=provider,
            period_keys=body.validated_data.get("periods") or [],
            notify_url=request.build_absolute_uri(reverse("dues_pay:callback", kwargs={"provider": provider})),
            return_url=lambda no: request.build_absolute_uri(reverse("dues_pay:order", kwargs={"out_trade_no": no})),
            client_ip=client_ip(request) or "127.0.0.1",
        )
        data = {"order": order, "pay_url": checkout.pay_url, "code_url": checkout.code_url}
        return Response(DuesCheckoutSerializer(data).data, status=201)


class OrderView(APIView):
    """One order: its member's, or the managers' of the member's branch (404 for anyone else)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ORDER_NUMBER], responses=DuesOrderSerializer)
    def get(self, request: Request, out_trade_no: str) -> Response:
        return Response(DuesOrderSerializer(order_for(request, out_trade_no)).data)


class OrderCheckView(APIView):
    """Ask the provider how the order stands; a paid one is booked (as its callback would)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ORDER_NUMBER], request=None, responses=DuesOrderCheckSerializer)
    def post(self, request: Request, out_trade_no: str) -> Response:
        order = order_for(request, out_trade_no)
        state = order_sync(acting_user=request.user, order=order)
        order.refresh_from_db()
        return Response(DuesOrderCheckSerializer({"state": state, "order": order}).data)


class MismatchesView(APIView):
    """The reconciliation lines of the caller's managed branches (newest first, at most 500)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DuesMismatchSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(DuesMismatchSerializer(mismatches_for(request.user)[:500], many=True).data)


class StatementsView(APIView):
    """Import a provider's daily statement (multipart: provider, day, file) and match it."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": DuesStatementUploadSerializer}, responses={201: DuesStatementSerializer}
    )
    def post(self, request: Request) -> Response:
        body = DuesStatementUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        statement = statement_import(
            acting_user=request.user,
            provider=body.validated_data["provider"],
            day=body.validated_data["day"],
            data=upload.read(),
            filename=upload.name,
        )
        return Response(DuesStatementSerializer(statement).data, status=201)
