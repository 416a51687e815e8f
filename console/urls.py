from django.urls import path

from . import platform_user_views, statistics_views, views

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
]
