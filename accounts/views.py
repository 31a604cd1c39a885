"""Sign-in, password change, home page and health check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import selectors
from accounts.forms import BoundedPasswordChangeForm, EmailAuthenticationForm
from accounts.permissions import benefits_role_names
from common import ratelimit


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view keeps this session signed in (`update_session_auth_hash`); every other
    session of the account ends, because its stored password hash no longer matches."""

    form_class = BoundedPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def post(self, request, *args, **kwargs):
        # Guessing the current password from a borrowed session is as slow as guessing keys:
        # 10 wrong passwords lock the form for 15 minutes.
        minutes = ratelimit.minutes_locked(request.user.pk, ratelimit.PASSWORD_CHANGE)
        if minutes:
            context = self.get_context_data(form=self.get_form(), locked_minutes=minutes)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect"):
            ratelimit.record_failure(self.request.user.pk, ratelimit.PASSWORD_CHANGE)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password is changed. You stay signed in here; every other session has ended."),
        )
        return response


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    organization = request.user.organization
    tenants = selectors.tenant_list(organization=organization) if organization else []
    return render(request, "home.html", {"tenants": tenants, "role_names": benefits_role_names()})


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" when the database answers a query, 503 otherwise. No sign-in, no session."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
