"""URL root of an institution's site (`<code>.<base-domain>`)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views
from .urls_common import accounts_api_urls, common_urls

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False

urlpatterns = [
    path("", views.portal_home, name="home"),
    path("org/", include("services.organization.urls")),
    path("audit/", include("services.audit.urls")),
    path("rules/", include("services.rules.urls")),
    path("", include("services.members.import_urls")),
    path("members/", include("services.members.urls")),
    path("documents/", include("services.documents.urls")),
    path("search/", include("services.search.urls")),
    path("development/", include("services.development.urls")),
    path("orglife/calendar/", include("services.orglife.calendar_urls")),
    path("orglife/appraisals/", include("services.orglife.appraisal_urls")),
    path("orglife/life-notes/", include("services.orglife.life_note_urls")),
    path("orglife/templates/", include("services.orglife.template_urls")),
    path("votes/", include("services.votes.urls")),
    path("orglife/minutes/", include("services.orglife.minutes_urls")),
    path("orglife/", include("services.orglife.urls")),
    path("orglife/", include("services.orglife.board_urls")),
    path("transfers/", include("services.transfers.urls")),
    path("reminders/", include("services.reminders.urls")),
    path("accounts/", include("services.activation.urls")),
    path("accounts/notifications/", include("services.notifications.urls")),
    path("orglife/", include("services.orglife.checkin_urls")),
    path("dues/pay/", include("services.dues.pay_urls")),
    path("dues/", include("services.dues.urls")),
    path("dues/arrears/", include("services.dues.arrears_urls")),
    path("dues/disclosure/", include("services.dues.disclosure_urls")),
    path("dues/reductions/", include("services.dues.reduction_urls")),
    path("dues/bases/", include("services.dues.base_urls")),
    path("dues/mine/", include("services.dues.mine_urls")),
    path("study/", include("services.study.urls")),
    path("exams/", include("services.exams.urls")),
    path("reports/", include("services.thought_reports.urls")),
    path("surveys/", include("services.surveys.urls")),
    path("openness/", include("services.openness.urls")),
    path("standards/", include("services.standards.urls")),
    path("statistics/", include("services.statistics.urls")),
    path("dashboard/", include("services.oversight.urls")),
    *common_urls(__name__),
    *accounts_api_urls(router),
    path("api/", include(router.urls)),
    # Each capability's API routes.
    path("api/", include("services.rules.api_urls")),
    path("api/", include("services.organization.api_urls")),
    path("api/", include("services.members.api_urls")),
    path("api/", include("services.documents.api_urls")),
    path("api/", include("services.search.api_urls")),
    path("api/", include("services.development.api_urls")),
    path("api/", include("services.votes.api_urls")),
    path("api/", include("services.orglife.minutes_api_urls")),
    path("api/", include("services.orglife.api_urls")),
    path("api/", include("services.orglife.board_api_urls")),
    path("api/", include("services.orglife.checkin_api_urls")),
    path("api/", include("services.orglife.appraisal_api_urls")),
    path("api/", include("services.orglife.life_notes_api_urls")),
    path("api/", include("services.transfers.api_urls")),
    path("api/", include("services.reminders.api_urls")),
    path("api/", include("services.activation.api_urls")),
    path("api/", include("services.notifications.api_urls")),
    path("api/", include("services.dues.pay_api_urls")),
    path("api/", include("services.dues.api_urls")),
    path("api/", include("services.dues.arrears_api_urls")),
    path("api/", include("services.dues.disclosure_api_urls")),
    path("api/", include("services.dues.reduction_api_urls")),
    path("api/", include("services.dues.base_api_urls")),
    path("api/", include("services.study.api_urls")),
    path("api/", include("services.exams.api_urls")),
    path("api/", include("services.thought_reports.api_urls")),
    path("api/", include("services.surveys.api_urls")),
    path("api/", include("services.openness.api_urls")),
    path("api/", include("services.standards.api_urls")),
    path("api/", include("services.statistics.api_urls")),
]

handler400 = "partycloud.errors.bad_request"
handler403 = "partycloud.errors.permission_denied"
handler404 = "partycloud.errors.page_not_found"
handler500 = "partycloud.errors.server_error"
