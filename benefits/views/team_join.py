"""Accepting an invitation: the invitee opens the mailed link, chooses a password, and is signed
in to the new account in the inviting organization.

The link's token is a guessable secret like a password: every opening of a link counts against
the client address (common.ratelimit, 10 per 15 minutes) until the token turns out to be a
working one. A link of a real invitation that can't be used (cancelled, used, expired) also
counts as a failed sign-in of the invited address, per account and client address like sign-in
and password reset (SPEC 6, accounts.lockout); while that pair is locked, the invitation can't
be accepted from that address. A link that doesn't work gets a page saying what to do, never an
error.

Like allauth's reset links, a working token is kept in the session and the browser is sent on
to an address without it (``accept``): the form, its answers and any log line of that step
never carry the token. The service re-checks it under a lock when the form is posted.
"""

from __future__ import annotations

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from accounts import lockout
from accounts.models import Invitation
from accounts.team import invitation_by_token
from accounts.team_forms import AcceptInvitationForm
from benefits.services import team as services
from common import ratelimit
from common.client_address import client_address

INVALID_PAGE = "benefits/team_join_invalid.html"
BACKEND = "accounts.backends.EmailBackend"
SESSION_KEY = "team_join_token"
NO_LINK = _(
    "Open the invitation link in your e-mail to join. If it no longer works, ask your "
    "organization's admin for a new invitation."
)
LOCKED = _(
    "Too many failed attempts for %(email)s from your network: joining is locked for "
    "15 minutes. Wait, then open the invitation link in your e-mail again."
)


@never_cache
@sensitive_variables("token")
@require_http_methods(["GET", "HEAD"])
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
    if invitation is None:  # matches nothing: no account to count it against
        message = services.invitation_refusal(None)
        return render(request, INVALID_PAGE, {"message": message}, status=404)
    if services.invitation_refusal(invitation):
        return _refused(request, invitation)
    ratelimit.succeeded(address, ratelimit.INVITATION_LINK)
    # Nothing else is checked at this address, so no answer or log line here names the token.
    request.session[SESSION_KEY] = token
    return redirect("team:join_accept")


@never_cache
@sensitive_variables("token")
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def accept(request: HttpRequest) -> HttpResponse:
    token = request.session.get(SESSION_KEY, "")
    invitation = invitation_by_token(token)
    if invitation is None:  # never opened here, or replaced by a resend since
        request.session.pop(SESSION_KEY, None)
        return render(request, INVALID_PAGE, {"message": NO_LINK}, status=404)
    if services.invitation_refusal(invitation):
        return _refused(request, invitation)
    if not lockout.lockout_allows(request, invitation.email):
        message = LOCKED % {"email": invitation.email}
        return render(request, INVALID_PAGE, {"message": message}, status=429)
    form = AcceptInvitationForm(
        request.POST if request.method == "POST" else None, email=invitation.email
    )
    if request.method == "POST" and form.is_valid():
        try:
            account = services.invitation_accept(token=token, password=form.password())
        except ValidationError as error:
            if error.code == "link":  # used, cancelled or resent since the page opened
                return _refused(request, invitation, error.messages[0])
            form.add_error("password2", error)
        else:
            request.session.pop(SESSION_KEY, None)
            login(request, account, backend=BACKEND)
            return redirect("home")
    return render(request, "benefits/team_join.html", {"invitation": invitation, "form": form})


def _refused(request: HttpRequest, invitation: Invitation, message: str = "") -> HttpResponse:
    """A real invitation's link that can't be used (410, Gone): a failed sign-in of the invited
    address, recorded at the address without a token."""
    request.session.pop(SESSION_KEY, None)
    if not lockout.lockout_allows(request, invitation.email):
        message = LOCKED % {"email": invitation.email}
        return render(request, INVALID_PAGE, {"message": message}, status=429)
    lockout.failure_counted(
        request, email=invitation.email, path=reverse("team:join_accept"), sender=Invitation
    )
    message = message or services.invitation_refusal(invitation) or ""
    return render(request, INVALID_PAGE, {"message": message}, status=410)
