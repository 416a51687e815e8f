"""Search API: full results (filters, paging) and results-as-you-type for the header box.
Thin: the form validates, the selectors search (narrowed to the caller inside the backend)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.kernel import inputs

from . import selectors
from .backends import BackendUnavailable, Results
from .forms import DOC_TYPES, SearchForm
from .views import visible_units

PAGE_SIZE = 20
# Elasticsearch serves at most 10,000 results deep; so does this API, on either backend.
MAX_PAGE = 10000 // PAGE_SIZE

# The form (shared with the search page) validates these; the declarations document them.
Q = inputs.Text("q", "关键词 (words separated by spaces must all match)", max_length=selectors.MAX_QUERY_CHARS)
KIND = inputs.choice("kind", ["document", "member"], "document / member")
DOC_TYPE = inputs.choice("doc_type", [key for key, _label in DOC_TYPES])
TAG = inputs.Text("tag", max_length=50)
DAY_FROM = inputs.Day("day_from", "YYYY-MM-DD")
DAY_TO = inputs.Day("day_to", "YYYY-MM-DD")
UNIT = inputs.Id("unit", "org unit id: entries inside its subtree")
PAGE = inputs.Number("page", "1, 2, …", minimum=1, maximum=MAX_PAGE)


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


PARTIAL_HELP = "true: some search shards did not answer (a node down); results and count may be short"
# "partial" is also BaseSerializer's flag for partial updates; the metaclass moves declared
# fields out of the class attributes, so the flag is untouched (these serializers only describe
# responses); mypy sees the class body only.


class SearchResultsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    partial = serializers.BooleanField(help_text=PARTIAL_HELP)  # type: ignore[assignment]
    results = HitSerializer(many=True)


class SuggestSerializer(serializers.Serializer):
    partial = serializers.BooleanField(help_text=PARTIAL_HELP)  # type: ignore[assignment]
    results = HitSerializer(many=True)


class SearchUnavailable(APIException):
    status_code = 503
    default_detail = gettext_lazy("搜索服务暂时不可用，请稍后再试。")
    default_code = "search_unavailable"


UNAVAILABLE = OpenApiResponse(description="no search node answered (try again later)")


def _searched(search: Any, **kwargs: Any) -> Results:
    """``search(**kwargs)``, or 503 with a Chinese message when no search node answered."""
    try:
        result: Results = search(**kwargs)
    except BackendUnavailable as exc:
        raise SearchUnavailable() from exc
    return result


def _hits(results: Any) -> list[dict[str, Any]]:
    return [HitSerializer(hit).data for hit in results.hits]


class SearchView(APIView):
    """Documents and members matching ``q`` that the caller may see, best first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[p.openapi() for p in (Q, KIND, DOC_TYPE, TAG, DAY_FROM, DAY_TO, UNIT, PAGE)],
        responses={
            200: SearchResultsSerializer,
            404: OpenApiResponse(description="a unit the caller does not see"),
            503: UNAVAILABLE,
        },
    )
    def get(self, request: Request) -> Response:
        for parameter in (DOC_TYPE, DAY_FROM, DAY_TO):
            parameter.read(request.query_params)  # what the form would let through empty
        units = visible_units(request.user)
        unit = UNIT.read(request.query_params)
        if unit is not None and unit not in {pk for pk, _name, _path in units}:
            raise NotFound(_("没有这个组织，或不在您的查看范围内。"))
        form = SearchForm(request.query_params, units=units)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        page = PAGE.read(request.query_params, default=1) or 1
        kind = KIND.read(request.query_params)
        results = _searched(
            selectors.search,
            acting_user=request.user,
            q=form.cleaned_data["q"],
            kinds=(kind,) if kind else (),
            filters=form.filters(),
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        return Response({"count": results.total, "partial": results.partial, "results": _hits(results)})


class SuggestView(APIView):
    """Results as you type: up to 8 hits, the last word matched as a prefix."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[Q.openapi()], responses={200: SuggestSerializer, 503: UNAVAILABLE})
    def get(self, request: Request) -> Response:
        q = Q.read(request.query_params)
        results = _searched(selectors.suggest, acting_user=request.user, q=q)
        return Response({"partial": results.partial, "results": _hits(results)})
