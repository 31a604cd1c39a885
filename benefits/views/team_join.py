"""Accepting an invitation: the invitee opens the mailed link, chooses a password, and is signed
in to the new account in the inviting organization.

The link's token is a guessable secret like a password: every opening of a link counts against
the client address (common.ratelimit, 10 per 15 minutes) until the token turns out to be a
working one. A link that doesn't work (mistyped, tampered with, replaced, cancelled, used,
expired) gets a page saying what to do, never an error.
"""

from __future__ import annotations

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from accounts.team import invitation_by_token
from accounts.team_forms import AcceptInvitationForm
from benefits.services import team as services
from common import ratelimit
from common.client_address import client_address

INVALID_PAGE = "benefits/team_join_invalid.html"
BACKEND = "accounts.backends.EmailBackend"


@never_cache
@sensitive_variables("token")
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    address = client_address(request) or "unknown"
    try:
        minutes = ratelimit.attempt(address, ratelimit.INVITATION_LINK)
    except ratelimit.Unavailable:  # fail closed: no guess goes uncounted
        paused = ratelimit.PAUSED_MESSAGES[ratelimit.INVITATION_LINK]
        return render(request, INVALID_PAGE, {"message": paused}, status=503)
    if minutes:
        return render(request, INVALID_PAGE, {"minutes": minutes}, status=429)
    invitation = invitation_by_token(token)
    refusal = services.invitation_refusal(invitation)
    if invitation is None or refusal:
        # Unknown tokens are 404; real links that can no longer be used are 410 (Gone).
        return render(
            request, INVALID_PAGE, {"message": refusal}, status=410 if invitation else 404
        )
    ratelimit.succeeded(address, ratelimit.INVITATION_LINK)
    form = AcceptInvitationForm(
        request.POST if request.method == "POST" else None, email=invitation.email
    )
    if request.method == "POST" and form.is_valid():
        try:
            account = services.invitation_accept(token=token, password=form.password())
        except ValidationError as error:
            if error.code == "link":  # used, cancelled or resent since the page opened
                return render(request, INVALID_PAGE, {"message": error.messages[0]}, status=410)
            form.add_error("password2", error)
        else:
            login(request, account, backend=BACKEND)
            return redirect("home")
    context = {"invitation": invitation, "form": form}
    return render(request, "benefits/team_join.html", context)
