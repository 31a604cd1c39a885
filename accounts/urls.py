from allauth.account import views as allauth_views
from django.urls import include, path, re_path

from accounts import mfa_views, password_reset, views

# allauth's own names for the portal's sign-in, sign-out and password change (its code and
# templates reverse them), then its password reset by link and re-authentication.
allauth_urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="account_login"),
    path("accounts/logout/", allauth_views.logout, name="account_logout"),
    path(
        "accounts/password/",
        views.PasswordChangeView.as_view(),
        name="account_change_password",
    ),
    path(
        "accounts/password/reset/",
        password_reset.PasswordResetView.as_view(),
        name="account_reset_password",
    ),
    path(
        "accounts/password/reset/done/",
        allauth_views.password_reset_done,
        name="account_reset_password_done",
    ),
    re_path(
        r"^accounts/password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        password_reset.PasswordResetFromKeyView.as_view(),
        name="account_reset_password_from_key",
    ),
    path(
        "accounts/password/reset/key/done/",
        allauth_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    path("accounts/reauthenticate/", allauth_views.reauthenticate, name="account_reauthenticate"),
]

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    # Recovery codes shown once yet downloadable by the session shown them (accounts/mfa_views.py);
    # unnamed, as they answer at allauth's own addresses, and its names still reverse to them.
    path("accounts/2fa/recovery-codes/", mfa_views.view_recovery_codes),
    path("accounts/2fa/recovery-codes/download/", mfa_views.download_recovery_codes),
    # Only the allauth pages the portal uses: sign-up, e-mail management, sign-in by code and
    # third-party accounts are not routed at all, so their addresses answer 404.
    *allauth_urlpatterns,
    path("accounts/2fa/", include("allauth.mfa.urls")),
    path("healthz/", views.healthz, name="healthz"),
    path("", views.home, name="home"),
]
