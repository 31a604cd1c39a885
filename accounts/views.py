"""Sign-in, password change, home page and health check."""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

import kombu
import redis
from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import selectors
from accounts.forms import BoundedPasswordChangeForm
from accounts.permissions import SignedInRequest, benefits_role_names
from common import pagecache, ratelimit
from common.redis_cache import CACHE_ERRORS, RedisCache

REDIS_SCHEMES = {"redis", "rediss", "unix"}


class LoginView(allauth_views.LoginView):
    """allauth's sign-in, so its stages (the second factor) follow the password; the form is
    accounts.forms.PortalLoginForm (ACCOUNT_FORMS). Already signed in: straight home."""

    template_name = "accounts/login.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view keeps this session signed in (`update_session_auth_hash`); every other
    session of the account ends, because its stored password hash no longer matches."""

    form_class = BoundedPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")
    request: SignedInRequest  # Django's view requires sign-in (login_required on dispatch)

    def post(self, request, *args, **kwargs):
        # Guessing the current password from a borrowed session is as slow as guessing keys:
        # 10 wrong passwords lock the form for 15 minutes. The attempt counts as a failure until
        # the password proves right; a counter that can't be reached refuses it (fail closed).
        try:
            minutes = ratelimit.attempt(request.user.pk, ratelimit.PASSWORD_CHANGE)
        except ratelimit.Unavailable:
            paused = ratelimit.PAUSED_MESSAGES[ratelimit.PASSWORD_CHANGE]
            context = self.get_context_data(form=self.get_form(), paused=paused)
            return self.render_to_response(context, status=503)
        if minutes:
            context = self.get_context_data(form=self.get_form(), locked_minutes=minutes)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if not form.has_error("old_password", "password_incorrect"):
            ratelimit.succeeded(self.request.user.pk, ratelimit.PASSWORD_CHANGE)
        return super().form_invalid(form)

    def form_valid(self, form):
        ratelimit.succeeded(self.request.user.pk, ratelimit.PASSWORD_CHANGE)
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password is changed. You stay signed in here; every other session has ended."),
        )
        return response


@require_safe
@login_required
def home(request: SignedInRequest) -> HttpResponse:
    organization = request.user.organization
    tenants = selectors.tenant_list(organization=organization) if organization else []
    return render(request, "home.html", {"tenants": tenants, "role_names": benefits_role_names()})


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" when every service the portal needs answers; otherwise 503 and one line per
    service, "name: ok" or "name: unavailable". No sign-in, no session. The checks are a
    database query and one PING per Redis server, the caches' and the task broker's (a server
    serving several is not asked twice): the cheapest truthful answer, as this is the floor of
    the benchmark."""
    results = [(name, check()) for name, check in health_checks()]
    if all(ok for _name, ok in results):
        return HttpResponse("ok", content_type="text/plain")
    body = "".join(f"{name}: {'ok' if ok else 'unavailable'}\n" for name, ok in results)
    return HttpResponse(body, status=503, content_type="text/plain")


def health_checks() -> list[tuple[str, Callable[[], bool]]]:
    """What /healthz/ asks, in order. A Redis server serving several of them (the cache and the
    task broker) is asked once."""
    pinged: dict[str, bool] = {}
    checks: list[tuple[str, Callable[[], bool]]] = [
        ("database", _database_answers),
        ("cache", functools.partial(_cache_answers, "default", pinged)),
        ("page cache", functools.partial(_cache_answers, pagecache.CACHE_ALIAS, pinged)),
    ]
    if settings.CELERY_BROKER_URL:
        checks.append(("task broker", functools.partial(_broker_answers, pinged)))
    return checks


def _server(url: str) -> str:
    """The server a URL names, whatever its database number or password."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 6379}" if parts.scheme in REDIS_SCHEMES else url


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _cache_answers(alias: str, pinged: dict[str, bool]) -> bool:
    """A Redis cache answers PING; a cache in the process's memory can't be down."""
    backend = caches[alias]
    if not isinstance(backend, RedisCache):
        return True
    server = _server(settings.CACHES[alias]["LOCATION"])
    if server not in pinged:
        try:
            pinged[server] = backend.ping()
        except CACHE_ERRORS:
            pinged[server] = False
    return pinged[server]


def _broker_answers(pinged: dict[str, bool]) -> bool:
    """The task broker accepts a connection (a Redis one answers PING)."""
    url = settings.CELERY_BROKER_URL
    server = _server(url)
    if server not in pinged:
        timeout = settings.REDIS_TIMEOUT_SECONDS
        try:
            if urlsplit(url).scheme in REDIS_SCHEMES:
                client = redis.Redis.from_url(
                    url, socket_connect_timeout=timeout, socket_timeout=timeout
                )
                with client:
                    pinged[server] = bool(client.ping())
            else:
                with kombu.Connection(url, connect_timeout=timeout) as broker:
                    broker.ensure_connection(max_retries=1)
                    pinged[server] = True
        except Exception:
            pinged[server] = False
    return pinged[server]
