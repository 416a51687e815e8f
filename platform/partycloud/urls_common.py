"""Routes every site serves: sign-in, language, health, metrics, API schema and docs."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from services.accounts import api as accounts_api

from . import health, metrics, schema_view


def common_urls(urlconf: str) -> list[URLPattern | URLResolver]:
    return [
        path("accounts/", include("services.accounts.urls")),
        path("i18n/setlang/", set_language, name="set_language"),
        # Browsers ask for /favicon.ico whatever the page says; the icon is a static file.
        path("favicon.ico", RedirectView.as_view(url=static("partycloud/favicon.svg")), name="favicon"),
        path("healthz", health.healthz, name="healthz"),
        path("healthz/live", health.live, name="healthz_live"),
        path("metrics", metrics.metrics_view, name="metrics"),
        path("api/schema/", schema_view.SchemaView.as_view(urlconf=urlconf), name="schema"),
        path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
    ]


def accounts_api_urls(router: DefaultRouter) -> list[URLPattern | URLResolver]:
    router.register("auth/tokens", accounts_api.ApiTokenViewSet, basename="api-token")
    return [
        path("api/me/", accounts_api.MeView.as_view(), name="api-me"),
        path("api/auth/token/", accounts_api.TokenLoginView.as_view(), name="api-token-login"),
    ]
