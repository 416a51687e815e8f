from django.urls import path

from . import grant_views, views

app_name = "organization"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.unit_detail, name="unit"),
    path("<int:pk>/add/", views.unit_add_child, name="unit_add_child"),
    path("<int:pk>/rename/", views.unit_rename, name="unit_rename"),
    path("<int:pk>/move/", views.unit_move, name="unit_move"),
    path("<int:pk>/merge/", views.unit_merge, name="unit_merge"),
    path("<int:pk>/close/", views.unit_close, name="unit_close"),
    path("<int:pk>/term/", views.unit_term, name="unit_term"),
    path("<int:pk>/positions/", views.position_assign, name="position_assign"),
    path("positions/<int:pk>/end/", views.position_end, name="position_end"),
    path("<int:pk>/grants/", grant_views.grant_add, name="grant_add"),
    path("grants/<int:pk>/revoke/", grant_views.grant_revoke, name="grant_revoke"),
    path("powers/", grant_views.power_list, name="powers"),
]
