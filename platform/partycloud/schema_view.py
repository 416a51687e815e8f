"""The view that serves ``/api/schema/`` (its content: openapi.py). Apart from openapi.py, which
the REST framework's settings import before drf-spectacular's views can be."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """``/api/schema/``: the schema is made from the code, the same for every request (it is
    public), so each process makes it once per site, version and language instead of on every
    request — a second or more of CPU each time, which anyone could ask for in a loop."""

    _made: ClassVar[dict[tuple[str, str | None, str | None], dict[str, Any]]] = {}

    def _get_schema_response(self, request: Any) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (str(self.urlconf), version, translation.get_language())
        schema = self._made.get(key)
        if schema is None:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            schema = self._made[key] = generator.get_schema(request=request, public=self.serve_public)
        filename = self._get_filename(request, version)
        return Response(data=schema, headers={"Content-Disposition": f'inline; filename="{filename}"'})
