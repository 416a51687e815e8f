"""Documents API: list, detail, create (multipart), new version, download, notice sign-off and
the receipt roll, plus what the committee published. Every read goes through selectors.py (the
one visibility rule), every write through services.py."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel import inputs
from services.kernel.parsers import ChineseFormParser, ChineseMultiPartParser
from services.kernel.text import FREE_TEXT_MAX, free_text, single_line
from services.organization.models import OrgUnit

from . import selectors, services, signoff
from .models import Document, DocumentVersion
from .views import stream_version


class LibraryVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentVersion
        fields = [
            "number",
            "filename",
            "content_type",
            "size",
            "sha256",
            "note",
            "extraction_status",
            "extraction_error",
            "created_at",
        ]
        read_only_fields = fields


class LibraryDocumentSerializer(serializers.ModelSerializer):
    current_version = LibraryVersionSerializer(read_only=True)
    scope_unit_name = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "tags",
            "scope_unit",
            "scope_unit_name",
            "requires_signoff",
            "version_count",
            "current_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_scope_unit_name(self, obj: Document) -> str:
        return obj.scope_unit.name if obj.scope_unit_id and obj.scope_unit else ""


class LibraryDocumentDetailSerializer(LibraryDocumentSerializer):
    versions = serializers.SerializerMethodField()

    class Meta(LibraryDocumentSerializer.Meta):
        fields = [*LibraryDocumentSerializer.Meta.fields, "versions"]
        read_only_fields = fields

    @extend_schema_field(LibraryVersionSerializer(many=True))
    def get_versions(self, obj: Document) -> list[dict[str, Any]]:
        return list(LibraryVersionSerializer(selectors.document_versions(document=obj), many=True).data)


class LibraryPublicDocumentSerializer(LibraryDocumentSerializer):
    class Meta(LibraryDocumentSerializer.Meta):
        fields = ["id", "kind", "title", "description", "tags", "version_count", "current_version", "updated_at"]
        read_only_fields = fields


class LibraryDocumentCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Document.Kind.choices)
    title = serializers.CharField(max_length=200, validators=[single_line])
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=FREE_TEXT_MAX, validators=[free_text]
    )
    tags = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=400,
        validators=[single_line],
        help_text="comma-separated",
    )
    scope_unit = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="org unit id; empty = whole institution"
    )
    requires_signoff = serializers.BooleanField(required=False, default=False)
    file = serializers.FileField()


class LibraryVersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, validators=[single_line])


class LibraryReceiptRowSerializer(serializers.Serializer):
    member_id = serializers.IntegerField(source="id")
    name = serializers.CharField()
    branch = serializers.CharField(source="branch.name")
    signed_at = serializers.DateTimeField(allow_null=True)


class LibraryReceiptRollSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    signed = serializers.IntegerField()
    unsigned = serializers.IntegerField()
    members = LibraryReceiptRowSerializer(many=True)


class LibraryReceiptSerializer(serializers.Serializer):
    document = serializers.IntegerField(source="document_id")
    signed_at = serializers.DateTimeField()


def _unit(pk: int | None) -> OrgUnit | None:
    if pk is None:
        return None
    unit = OrgUnit.objects.filter(pk=pk).first()
    if unit is None:
        raise ValidationError({"scope_unit": [_("组织不存在。")]})
    return unit


KIND = inputs.choice("kind", Document.Kind.values)
TAG = inputs.Text("tag", max_length=30)
UNIT = inputs.Id("unit", "an org unit id: documents scoped to its subtree")
SHOW = inputs.choice("show", ["unsigned", "all"], "default: unsigned", default="unsigned")
INLINE = inputs.choice("inline", ["0", "1"], "1: shown in the browser (PDF, text, images) instead of downloaded")
PAGE = inputs.Page()


@extend_schema_view(list=extend_schema(parameters=[p.openapi() for p in (KIND, TAG, UNIT)]))
class DocumentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = LibraryDocumentSerializer
    parser_classes = [ChineseMultiPartParser, ChineseFormParser]

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return selectors.document_list(
            acting_user=self.request.user, kind=KIND.read(params), tag=TAG.read(params), unit_id=UNIT.read(params)
        )

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return LibraryDocumentCreateSerializer
        if self.action == "versions":
            return LibraryVersionUploadSerializer
        return LibraryDocumentDetailSerializer if self.action == "retrieve" else LibraryDocumentSerializer

    @extend_schema(request=LibraryDocumentCreateSerializer, responses={201: LibraryDocumentDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = LibraryDocumentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        document = services.document_create(
            acting_user=request.user,
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            tags=[data["tags"]],
            scope_unit=_unit(data["scope_unit"]),
            requires_signoff=data["requires_signoff"],
            upload=data["file"],
            filename=data["file"].name,
        )
        document = selectors.document_get(acting_user=request.user, pk=document.pk)
        return Response(LibraryDocumentDetailSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LibraryVersionUploadSerializer, responses={201: LibraryVersionSerializer})
    @action(detail=True, methods=["post"])
    def versions(self, request: Request, pk: str | None = None) -> Response:
        """Upload a new version (every older version is kept)."""
        document = self.get_object()
        payload = LibraryVersionUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = services.document_version_add(
            document=document,
            acting_user=request.user,
            upload=payload.validated_data["file"],
            filename=payload.validated_data["file"].name,
            note=payload.validated_data["note"],
        )
        return Response(LibraryVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: LibraryReceiptSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        """Sign a notice (read receipt) as the caller's member record; signing twice is harmless."""
        document = self.get_object()
        receipt = signoff.notice_sign(document=document, acting_user=request.user)
        return Response(LibraryReceiptSerializer(receipt).data)

    @extend_schema(parameters=[SHOW.openapi()], responses={200: LibraryReceiptRollSerializer})
    @action(detail=True, methods=["get"])
    def receipts(self, request: Request, pk: str | None = None) -> Response:
        """Who signed and who has not (managers; members their scope covers). At most 1000 rows."""
        document = self.get_object()
        viewer = selectors.viewer_for(request.user)
        if not viewer.scope.is_manager:
            raise PermissionDenied(_("只有管理人员可以查看签收情况。"))
        if not document.requires_signoff:
            raise ValidationError({"detail": [_("这份文件不需要签收。")]})
        roll = selectors.receipt_roll(document=document, acting_user=request.user, viewer=viewer)
        rows = roll if SHOW.read(request.query_params) == "all" else roll.filter(signed_at__isnull=True)
        counts = selectors.receipt_counts(roll=roll)
        return Response(LibraryReceiptRollSerializer({**counts, "members": list(rows[:1000])}).data)


class DocumentFileView(APIView):
    """The file of one version (``?inline=1`` for a preview of PDF, text and images)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[INLINE.openapi()],
        responses={
            (200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="the file, as the type it was stored as"),
            302: OpenApiResponse(description="a signed link to the file in object storage (S3 backend)"),
        },
    )
    def get(self, request: Request, pk: int, number: int) -> HttpResponseBase:
        try:
            document = selectors.document_get(acting_user=request.user, pk=pk)
            version = selectors.version_get(document=document, number=number)
        except (Document.DoesNotExist, DocumentVersion.DoesNotExist) as exc:
            raise Http404 from exc
        return stream_version(version, inline=INLINE.read(request.query_params) == "1")


class PublicDocumentListView(APIView):
    """What the municipal committee published to every institution (newest first, 50 a page)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[p.openapi() for p in (KIND, TAG, PAGE)],
        responses={200: LibraryPublicDocumentSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        page = selectors.public_page(
            kind=KIND.read(params), tag=TAG.read(params), number=PAGE.read(params, default=1), per_page=50
        )
        return Response(LibraryPublicDocumentSerializer(page.object_list, many=True).data)


class PublicDocumentSignView(APIView):
    """Sign a notice the committee published, as the caller's member record (stored in the
    caller's institution)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: LibraryReceiptSerializer})
    def post(self, request: Request, pk: int) -> Response:
        try:
            receipt = signoff.public_notice_sign(document_id=pk, acting_user=request.user)
        except Document.DoesNotExist as exc:
            raise Http404 from exc
        return Response({"document": receipt.public_document_id, "signed_at": receipt.signed_at})
