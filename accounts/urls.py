from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("kata-sandi/", views.password_change, name="password-change"),
    path("akun/", views.account, name="account"),
    path(
        "kata-sandi/atur/<uidb64>/<token>/",
        views.PasswordFromLinkView.as_view(),
        name="password-reset-confirm",
    ),
]
