"""URL root of an institution's site (`<code>.<base-domain>`)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from services.members.api import MemberViewSet
from services.organization.api import OrgUnitViewSet

from . import views
from .urls_common import accounts_api_urls, common_urls

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("org-units", OrgUnitViewSet, basename="org-unit")
router.register("members", MemberViewSet, basename="member")

urlpatterns = [
    path("", views.portal_home, name="home"),
    path("org/", include("services.organization.urls")),
    path("audit/", include("services.audit.urls")),
    path("", include("services.members.import_urls")),
    path("members/", include("services.members.urls")),
    *common_urls(__name__),
    *accounts_api_urls(router),
    path("api/", include(router.urls)),
]

handler403 = "partycloud.views.permission_denied"
