"""Search API: full results (filters, paging) and results-as-you-type for the header box.
Thin: the form validates, the selectors search (narrowed to the caller inside the backend)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .forms import SearchForm
from .views import visible_units

PAGE_SIZE = 20


class HitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    object_id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML: escaped original text, query words in <mark>")
    doc_type = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    day = serializers.DateField(allow_null=True)
    public = serializers.BooleanField(help_text="published by the municipal committee to every institution")


class SearchResultsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = HitSerializer(many=True)


class SuggestSerializer(serializers.Serializer):
    results = HitSerializer(many=True)


def _hits(results: Any) -> list[dict[str, Any]]:
    return [HitSerializer(hit).data for hit in results.hits]


class SearchView(APIView):
    """Documents and members matching ``q`` that the caller may see, best first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="关键词 (words separated by spaces must all match)"),
            OpenApiParameter("kind", str, description="document / member"),
            OpenApiParameter("doc_type", str),
            OpenApiParameter("tag", str),
            OpenApiParameter("day_from", str, description="YYYY-MM-DD"),
            OpenApiParameter("day_to", str, description="YYYY-MM-DD"),
            OpenApiParameter("unit", int, description="org unit id: entries inside its subtree"),
            OpenApiParameter("page", int),
        ],
        responses=SearchResultsSerializer,
    )
    def get(self, request: Request) -> Response:
        form = SearchForm(request.query_params, units=visible_units(request.user))
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        try:
            page = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            raise ValidationError({"page": [_("页码必须是数字。")]}) from None
        kind = request.query_params.get("kind", "")
        results = selectors.search(
            acting_user=request.user,
            q=form.cleaned_data["q"],
            kinds=(kind,) if kind else (),
            filters=form.filters(),
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        return Response({"count": results.total, "results": _hits(results)})


class SuggestView(APIView):
    """Results as you type: up to 8 hits, the last word matched as a prefix."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("q", str, required=True)], responses=SuggestSerializer)
    def get(self, request: Request) -> Response:
        q = request.query_params.get("q", "")[: selectors.MAX_QUERY_CHARS]
        results = selectors.suggest(acting_user=request.user, q=q)
        return Response({"results": _hits(results)})
