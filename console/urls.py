from django.urls import path, re_path

from . import dashboard_api, dashboard_views, platform_user_views, standards_views, statistics_views, views

app_name = "console"

urlpatterns = [
    path("institutions/new/", views.institution_new, name="institution_new"),
    path("institutions/restore/", views.institution_restore, name="institution_restore"),
    path("institutions/<str:code>/", views.institution_detail, name="institution"),
    path("institutions/<str:code>/suspend/", views.institution_suspend, name="institution_suspend"),
    path("institutions/<str:code>/resume/", views.institution_resume, name="institution_resume"),
    path("institutions/<str:code>/archive/", views.institution_archive, name="institution_archive"),
    path("institutions/<str:code>/delete/", views.institution_delete, name="institution_delete"),
    path("institutions/<str:code>/move/", views.institution_move, name="institution_move"),
    path("statistics/", statistics_views.statistics_tables, name="statistics_tables"),
    path("statistics/export/", statistics_views.statistics_export, name="statistics_export"),
    path("tasks/dead-letters/", views.dead_letters, name="dead_letters"),
    path("tasks/dead-letters/<int:pk>/retry/", views.dead_letter_retry, name="dead_letter_retry"),
    path("platform-users/", platform_user_views.platform_user_list, name="platform_users"),
    path("platform-users/<int:pk>/", platform_user_views.platform_user_detail, name="platform_user"),
    path("platform-users/<int:pk>/disable/", platform_user_views.platform_user_disable, name="platform_user_disable"),
    path("platform-users/<int:pk>/enable/", platform_user_views.platform_user_enable, name="platform_user_enable"),
    path("platform-users/<int:pk>/delete/", platform_user_views.platform_user_delete, name="platform_user_delete"),
    path("platform-users/<int:pk>/link/", platform_user_views.platform_user_link, name="platform_user_link"),
    path(
        "platform-users/set-password/<str:uid>/<str:token>/",
        platform_user_views.platform_user_set_password,
        name="platform_user_set_password",
    ),
    # Indicator systems for standardized branches (console/standards_views.py).
    path("standards/", standards_views.system_list, name="standards_systems"),
    path("standards/import/", standards_views.system_import, name="standards_import"),
    path("standards/<int:pk>/", standards_views.system_detail, name="standards_system"),
    path("standards/<int:pk>/settings/", standards_views.system_settings, name="standards_settings"),
    path("standards/<int:pk>/nodes/", standards_views.node_change, name="standards_node"),
    path("standards/<int:pk>/publish/", standards_views.system_publish, name="standards_publish"),
    path("standards/<int:pk>/new-version/", standards_views.system_new_version, name="standards_new_version"),
    path("standards/<int:pk>/delete/", standards_views.system_delete, name="standards_delete"),
    path("standards/<int:pk>/export/", standards_views.system_export, name="standards_export"),
    path("standards/<int:pk>/preview/", standards_views.system_preview, name="standards_preview"),
    path("standards/spot-checks/", standards_views.spot_check_list, name="standards_spot_checks"),
]

# The committee's dashboard (console/dashboard_views.py).
urlpatterns += [
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard/rankings/", dashboard_views.dashboard_rankings, name="dashboard_rankings"),
    path("dashboard/schools/<str:code>/", dashboard_views.dashboard_school, name="dashboard_school"),
    path("api/dashboard/schools/", dashboard_api.DashboardSchoolsView.as_view(), name="dashboard-schools"),
    path("api/dashboard/charts/", dashboard_api.DashboardChartsView.as_view(), name="dashboard-charts"),
    # The code's pattern in the path, so the schema states it (tenants.models.CODE_VALIDATOR).
    re_path(
        r"^api/dashboard/schools/(?P<code>[a-z][a-z0-9]{1,29})/units/$",
        dashboard_api.DashboardUnitsView.as_view(),
        name="dashboard-units",
    ),
]
