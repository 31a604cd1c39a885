"""Recovery codes shown once, yet downloadable.

allauth shows the codes once (MFA_RECOVERY_CODES_SHOW_ONCE) and then refuses its download view
too. The portal lets the session that was shown the codes download them as a file for as long as
a reauthentication lasts (15 minutes); after that, only new codes can be had, after the second
factor. The page and the file come from allauth's view and template.
"""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes import views as allauth_views
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.permissions import SignedInRequest

SHOWN_SESSION_KEY = "portal.mfa.recovery_codes_shown"


def _recovery_codes(request: SignedInRequest) -> Authenticator | None:
    return Authenticator.objects.filter(
        user_id=request.user.pk, type=Authenticator.Type.RECOVERY_CODES
    ).first()


@login_required
@never_cache
def view_recovery_codes(request: SignedInRequest) -> HttpResponse:
    authenticator = _recovery_codes(request)
    first_showing = authenticator is not None and not authenticator.wrap().did_view
    response = allauth_views.view_recovery_codes(request)
    if first_showing and authenticator is not None and response.status_code == 200:
        request.session[SHOWN_SESSION_KEY] = {"id": authenticator.pk, "at": time.time()}
    return response


@login_required
@require_safe
@never_cache
def download_recovery_codes(request: SignedInRequest) -> HttpResponse:
    authenticator = _recovery_codes(request)
    shown = request.session.get(SHOWN_SESSION_KEY) or {}
    fresh = time.time() - shown.get("at", 0) < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
    if authenticator is None or shown.get("id") != authenticator.pk or not fresh:
        raise Http404
    unused_codes = authenticator.wrap().get_unused_codes()
    if not unused_codes:
        raise Http404
    response = render(
        request,
        "mfa/recovery_codes/download.txt",
        {"unused_codes": unused_codes},
        content_type="text/plain; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="recovery-codes.txt"'
    return response
