"""URL root of the platform / municipal console (the bare base domain)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from tenants.api import InstitutionViewSet
from tenants.views import console_home

from .urls_common import accounts_api_urls, common_urls

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("institutions", InstitutionViewSet, basename="institution")

urlpatterns = [
    path("", console_home, name="home"),
    path("", include("tenants.urls")),
    *common_urls(__name__),
    *accounts_api_urls(router),
    path("api/", include(router.urls)),
]

handler403 = "partycloud.views.permission_denied"
