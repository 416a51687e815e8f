from django.urls import path

from . import security_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.login_totp_view, name="login_totp"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("two-factor/", views.totp_setup_view, name="totp"),
    path("security/", security_views.security_view, name="security"),
    path("security/sign-out-others/", security_views.sessions_end_others_view, name="sessions_end_others"),
]
