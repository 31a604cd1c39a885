"""API tokens of the organization (/team/tokens/), for team admins: create a token for
oneself, see every token of the organization, revoke any of them.

A token acts as the account that created it, so an admin creates tokens only for their own
account: giving someone else's account a token would let the admin act as that person. The
new token is shown once, in the answer to the form's POST: it is never stored, not even in
the session, and the page is not cached. Posting the form again (a reload) is refused, since
the name is then taken.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.api_token_forms import ApiTokenForm
from accounts.api_tokens import api_token_get, api_token_list
from accounts.permissions import PortalRequest, team_access_required
from benefits.services import team_tokens

PAGE = "benefits/team_tokens.html"

CREATED = _("The token “%(name)s” is created. Copy it now: it is shown only this once.")
REVOKED = _("The token “%(name)s” is revoked: requests that use it are refused from now on.")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@team_access_required
def tokens(request: PortalRequest) -> HttpResponse:
    """GET: the form and the organization's tokens. POST: create one for oneself; the answer
    shows the token, once."""
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    created = raw = None
    if request.method == "POST" and form.is_valid():
        try:
            created, raw = team_tokens.token_create(
                account=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_days=form.cleaned_data["expires_days"],
                actor=request.user,
            )
        except ValidationError as refusal:
            form.add_refusal(refusal)
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "tokens": api_token_list(organization=request.organization),
        "created": created,
        "created_notice": CREATED % {"name": created.name} if created else "",
        "raw_token": raw,
    }
    return render(request, PAGE, context)


@require_http_methods(["GET", "HEAD", "POST"])
@team_access_required
def token_revoke(request: PortalRequest, token_id: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes (any token of the organization)."""
    token = api_token_get(organization=request.organization, token_id=token_id)
    if request.method != "POST":
        return render(request, "benefits/team_token_revoke.html", {"token": token})
    try:
        team_tokens.token_revoke(token=token, actor=request.user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, REVOKED % {"name": token.name})
    return redirect("team:tokens")
