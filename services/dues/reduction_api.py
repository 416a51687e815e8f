"""Reduction API (党费减免): the requests the caller reads, asking for one (the member for
themselves, or a manager of their branch), and each step's decision. Thin over reductions.py as
the pages; refusals go through the one exception handler."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from services.kernel.serializers import InputSerializer
from services.kernel.text import single_line
from services.members.models import Member
from services.organization.scope import scope_for

from . import reductions
from .models import Reduction


class ReductionSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Reduction
        fields = [
            "id", "member", "member_name", "kind", "monthly_amount", "starts_on", "ends_on", "reason", "status",
            "requested_at", "branch_decided_at", "branch_note", "committee_decided_at", "decision_note",
        ]  # fmt: skip
        read_only_fields = fields


class RequestSerializer(InputSerializer):
    member = serializers.IntegerField(min_value=1, required=False, help_text="omitted: the caller's own record")
    kind = serializers.ChoiceField(choices=Reduction.Kind.choices)
    starts_on = serializers.DateField(help_text="any day of the first month")
    ends_on = serializers.DateField(help_text="any day of the last month")
    monthly_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None, help_text="reduce only"
    )
    reason = serializers.CharField(max_length=300, validators=[single_line])


class DecideSerializer(InputSerializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="", validators=[single_line])


class ReductionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = ReductionSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        return reductions.reductions_visible(acting_user=self.request.user).order_by("-requested_at", "-pk")

    def _reduction(self, pk: str) -> Reduction:
        try:
            return reductions.reduction_get(acting_user=self.request.user, pk=int(pk))
        except (Reduction.DoesNotExist, ValueError):
            raise Http404 from None

    @extend_schema(responses=ReductionSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ReductionSerializer(self._reduction(pk)).data)

    @extend_schema(request=RequestSerializer, responses={201: ReductionSerializer})
    def create(self, request: Request) -> Response:
        """Ask for a reduction or an exemption of some months (the branch, then the committee approve)."""
        body = RequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        member_id = data.pop("member", None)
        own = Q(user_id=request.user.pk or 0)
        # Another member's id: only one whose branch the caller manages (else 404, as for an unknown id).
        rows = (
            Member.objects.filter(own | scope_for(request.user).members_q(manage=True), pk=member_id)
            if member_id
            else Member.objects.filter(own)
        )
        member = rows.select_related("branch").first()
        if member is None:  # a body error, as a primary-key field reports an unknown id
            raise ValidationError({"member": _("请选择您管理的党员；为本人申请时，您的账号须关联党员档案。")})
        made = reductions.reduction_request(acting_user=request.user, member=member, **data)
        return Response(ReductionSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecideSerializer, responses=ReductionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """The pending step's decision: the branch's, then the higher committee's."""
        reduction = self._reduction(pk)
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = reductions.reduction_decide(acting_user=request.user, reduction=reduction, **body.validated_data)
        return Response(ReductionSerializer(made).data)
