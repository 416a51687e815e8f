"""URL root of the platform / municipal console (the bare base domain)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from console.api import InstitutionViewSet, PlatformUserViewSet
from console.standards_api import IndicatorSystemViewSet
from console.views import console_home

from .urls_common import accounts_api_urls, common_urls

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("platform-users", PlatformUserViewSet, basename="platform-user")
router.register("standards/systems", IndicatorSystemViewSet, basename="standards-system")

urlpatterns = [
    path("", console_home, name="home"),
    path("", include("console.urls")),
    # What the municipal committee publishes to every institution, and the transfer exchange.
    path("documents/", include("services.documents.console_urls")),
    path("", include("services.transfer_exchange.console_urls")),
    path("workdays/", include("services.workdays.console_urls")),
    *common_urls(__name__),
    *accounts_api_urls(router),
    path("api/", include(router.urls)),
]

handler400 = "partycloud.errors.bad_request"
handler403 = "partycloud.errors.permission_denied"
handler404 = "partycloud.errors.page_not_found"
handler500 = "partycloud.errors.server_error"
