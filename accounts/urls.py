from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import mfa_views, views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Recovery codes shown once yet downloadable by the session shown them (accounts/mfa_views.py);
    # unnamed, as they answer at allauth's own addresses, and its names still reverse to them.
    path("accounts/2fa/recovery-codes/", mfa_views.view_recovery_codes),
    path("accounts/2fa/recovery-codes/download/", mfa_views.download_recovery_codes),
    # allauth's pages (password reset, two-step verification) after the portal's own.
    path("accounts/", include("allauth.urls")),
    path("healthz/", views.healthz, name="healthz"),
    path("", views.home, name="home"),
]
