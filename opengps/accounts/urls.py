from django.contrib.auth import views as auth_views
from django.urls import path

from opengps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login-code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.me, name="me"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("me/logins/", views.my_logins, name="my-logins"),
    path("me/totp/enrol/", views.totp_enrol, name="totp-enrol"),
    path("me/totp/disable/", views.totp_disable, name="totp-disable"),
    path("users/<str:username>/logins/", views.user_logins, name="user-logins"),
    path("users/<str:username>/unlock/", views.user_unlock, name="user-unlock"),
    path("users/<str:username>/totp-reset/", views.user_totp_reset, name="user-totp-reset"),
]
