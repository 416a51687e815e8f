"""Transfers API: outgoing and internal transfers, incoming letters (the envelope only until
accepted), batches with their progress. Managers only; every query goes through selectors.py and
every write through services.py / batches.py."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel import inputs
from services.kernel.serializers import InputSerializer
from services.kernel.text import single_line
from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.scope import scope_for
from tenants.models import Institution

from . import batches, selectors, services
from .models import BatchItem, BatchTransfer, IncomingLetter, Transfer


class IsManager(BasePermission):
    message = gettext_lazy("只有管理党组织的人员才能办理组织关系转接。")

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and scope_for(request.user).is_manager)


class TransferSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    from_branch_name = serializers.CharField(source="from_branch.name", read_only=True)
    to_branch_name = serializers.CharField(source="to_branch.name", read_only=True, default="")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Transfer
        fields = [
            "id",
            "kind",
            "status",
            "number",
            "member",
            "member_name",
            "from_branch_name",
            "to_branch_name",
            "to_institution_name",
            "to_organization",
            "reason",
            "issued_on",
            "valid_until",
            "validity_rule",
            "overdue",
            "stub_returned_on",
            "stub_receiving_org",
            "error",
            "created_at",
            "completed_at",
        ]
        read_only_fields = fields

    def get_overdue(self, obj: Transfer) -> bool:
        return selectors.is_overdue(obj)


class TransferCreateSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=Transfer.Kind.choices)
    member = serializers.IntegerField()
    reason = serializers.CharField(validators=[single_line], max_length=200)
    to_branch = serializers.IntegerField(required=False, help_text="internal: the destination branch")
    to_institution = serializers.IntegerField(required=False, help_text="platform: the receiving institution")
    to_organization = serializers.CharField(
        validators=[single_line], required=False, max_length=100, help_text="external: letter heading"
    )


class StubSerializer(InputSerializer):
    returned_on = serializers.DateField()
    receiving_org = serializers.CharField(validators=[single_line], max_length=100)


KIND = inputs.choice("kind", Transfer.Kind.values)


@extend_schema_view(list=extend_schema(parameters=[KIND.openapi()]))
class TransferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TransferSerializer
    lookup_value_regex = r"\d+"
    permission_classes = [IsAuthenticated, IsManager]

    def get_queryset(self) -> Any:
        return selectors.transfer_list(acting_user=self.request.user, kind=KIND.read(self.request.query_params))

    @extend_schema(
        request=TransferCreateSerializer,
        responses={201: TransferSerializer, 404: OpenApiResponse(description="no such member in the caller's scope")},
    )
    def create(self, request: Request) -> Response:
        body = TransferCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            member = selectors.managed_member_get(acting_user=request.user, pk=data["member"])
        except Member.DoesNotExist:
            raise NotFound from None
        if data["kind"] == Transfer.Kind.INTERNAL:
            branch = OrgUnit.objects.filter(pk=data.get("to_branch") or 0).first()
            if branch is None:
                raise ValidationError({"to_branch": [_("请选择转入支部。")]})
            transfer = services.transfer_internal(
                member=member,
                to_branch=branch,
                reason=data["reason"],
                acting_user=request.user,
            )
        elif data["kind"] == Transfer.Kind.PLATFORM:
            institution = selectors.other_institutions().filter(pk=data.get("to_institution") or 0).first()
            if institution is None:
                raise ValidationError({"to_institution": [_("请选择平台上另一所正常运行的学校。")]})
            transfer = services.transfer_letter_send(
                member=member,
                to_institution=institution,
                reason=data["reason"],
                acting_user=request.user,
            )
        else:
            transfer = services.transfer_letter_issue(
                member=member,
                to_organization=data.get("to_organization", ""),
                reason=data["reason"],
                acting_user=request.user,
            )
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StubSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def stub(self, request: Request, pk: str) -> Response:
        transfer = self.get_object()
        body = StubSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        transfer = services.transfer_stub_return(transfer=transfer, acting_user=request.user, **body.validated_data)
        return Response(TransferSerializer(transfer).data)

    @extend_schema(request=None, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        transfer = self.get_object()
        transfer = services.transfer_letter_cancel(transfer=transfer, acting_user=request.user)
        return Response(TransferSerializer(transfer).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def letter(self, request: Request, pk: str) -> Any:
        transfer = self.get_object()
        if not transfer.pdf_key:
            raise NotFound
        try:
            handle = services.transfer_letter_open(transfer=transfer, acting_user=request.user)
        except FileNotFoundError:
            raise NotFound from None
        return FileResponse(
            handle, as_attachment=True, filename=f"{transfer.number}.pdf", content_type="application/pdf"
        )


class IncomingSerializer(serializers.Serializer):
    """The envelope: nothing of the record itself."""

    id = serializers.IntegerField(source="entry.pk")
    number = serializers.CharField(source="letter.number")
    person_name = serializers.CharField(source="letter.person_name")
    from_institution_name = serializers.CharField(source="letter.from_institution_name")
    from_branch_name = serializers.CharField(source="letter.from_branch_name")
    issued_on = serializers.DateField(source="letter.issued_on")
    valid_until = serializers.DateField(source="letter.valid_until")
    status = serializers.CharField(source="letter.status")
    target_branch_name = serializers.CharField(source="letter.target_branch_name")
    reject_reason = serializers.CharField(source="letter.reject_reason")
    error = serializers.CharField(source="letter.error")


class AcceptSerializer(InputSerializer):
    target_branch = serializers.IntegerField()


class RejectSerializer(InputSerializer):
    reason = serializers.CharField(validators=[single_line], max_length=200)


_ACCEPTED = inline_serializer(
    "IncomingAccepted",
    {"accepted": serializers.IntegerField(), "problems": serializers.DictField(child=serializers.CharField())},
)


class IncomingViewSet(viewsets.GenericViewSet):
    serializer_class = IncomingSerializer
    lookup_value_regex = r"\d+"
    permission_classes = [IsAuthenticated, IsManager]
    queryset = IncomingLetter.objects.none()  # the rows come from selectors (two schemas' worth)

    def _item(self, pk: str) -> selectors.Incoming:
        try:
            return selectors.incoming_get(acting_user=self.request.user, pk=int(pk))
        except (IncomingLetter.DoesNotExist, ValueError):
            raise NotFound from None

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.incoming_list(acting_user=request.user))  # type: ignore[arg-type]
        return self.get_paginated_response(IncomingSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(IncomingSerializer(self._item(pk)).data)

    @extend_schema(request=AcceptSerializer, responses=_ACCEPTED)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        item = self._item(pk)
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        branch = OrgUnit.objects.filter(pk=body.validated_data["target_branch"]).first()
        if branch is None:
            raise ValidationError({"target_branch": [_("请选择接收支部。")]})
        ids, problems = services.incoming_accept(incoming=[item.entry], target_branch=branch, acting_user=request.user)
        if problems and not ids:
            raise ValidationError({"detail": list(problems.values())})
        return Response({"accepted": len(ids), "problems": problems})

    @extend_schema(request=RejectSerializer, responses=IncomingSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        item = self._item(pk)
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.incoming_reject(
            incoming=item.entry,
            reason=body.validated_data["reason"],
            acting_user=request.user,
        )
        return Response(IncomingSerializer(self._item(pk)).data)


class BatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = BatchTransfer
        fields = [
            "id",
            "destination",
            "to_institution_name",
            "to_organization",
            "reason",
            "status",
            "total",
            "processed",
            "ok_count",
            "error_count",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class BatchItemSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name")
    number = serializers.CharField(source="member.number")
    letter_number = serializers.CharField(source="transfer.number", default="")
    transfer_status = serializers.CharField(source="transfer.status", default="")

    class Meta:
        model = BatchItem
        fields = ["member", "member_name", "number", "result", "message", "letter_number", "transfer_status"]
        read_only_fields = fields


class BatchDetailSerializer(BatchSerializer):
    items = serializers.SerializerMethodField()

    class Meta(BatchSerializer.Meta):
        fields = [*BatchSerializer.Meta.fields, "items"]
        read_only_fields = fields

    @extend_schema_field(BatchItemSerializer(many=True))
    def get_items(self, obj: BatchTransfer) -> list[dict[str, Any]]:
        return list(BatchItemSerializer(selectors.batch_items(batch=obj), many=True).data)


class BatchCreateSerializer(InputSerializer):
    destination = serializers.ChoiceField(choices=BatchTransfer.Destination.choices)
    reason = serializers.CharField(validators=[single_line], max_length=200)
    to_institution = serializers.IntegerField(required=False)
    to_organization = serializers.CharField(validators=[single_line], required=False, max_length=100)
    branch = serializers.IntegerField(required=False, help_text="an org unit: its subtree's members")
    category = serializers.ChoiceField(choices=Member.Category.choices, required=False)
    numbers = serializers.ListField(
        child=serializers.CharField(max_length=30, validators=[single_line]), required=False
    )


UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


class BatchViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = BatchSerializer
    permission_classes = [IsAuthenticated, IsManager]
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> Any:
        return selectors.batch_list(acting_user=self.request.user)

    def _batch(self, pk: str) -> BatchTransfer:
        try:
            return selectors.batch_get(acting_user=self.request.user, pk=pk)
        except (BatchTransfer.DoesNotExist, DjangoValidationError):
            raise NotFound from None

    @extend_schema(responses=BatchDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(BatchDetailSerializer(self._batch(pk)).data)

    @extend_schema(request=BatchCreateSerializer, responses={201: BatchSerializer})
    def create(self, request: Request) -> Response:
        body = BatchCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        branch = OrgUnit.objects.filter(pk=data["branch"]).first() if data.get("branch") else None
        if branch is None and not data.get("numbers"):
            raise ValidationError({"branch": [_("请选择所在组织，或提供学号名单。")]})
        institution = None
        if data.get("to_institution"):
            institution = Institution.objects.filter(pk=data["to_institution"]).first()
        members, _missing = batches.batch_candidates(
            acting_user=request.user, branch=branch, category=data.get("category", ""), numbers=data.get("numbers")
        )
        batch = batches.batch_create(
            members=list(members[: batches.MAX_PEOPLE + 1]),
            destination=data["destination"],
            reason=data["reason"],
            acting_user=request.user,
            to_institution=institution,
            to_organization=data.get("to_organization", ""),
        )
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)


class BatchStatusView(APIView):
    """What the batch page polls: status and counts."""

    permission_classes = [IsAuthenticated, IsManager]

    @extend_schema(responses=BatchSerializer)
    def get(self, request: Request, pk: UUID) -> Response:
        try:
            batch = selectors.batch_get(acting_user=request.user, pk=str(pk))
        except (BatchTransfer.DoesNotExist, DjangoValidationError):
            raise NotFound from None
        return Response(BatchSerializer(batch).data)
