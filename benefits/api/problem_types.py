"""What each problem ``type`` means, at its own address: /api/v1/problems/<kind> (RFC 9457 asks
that a problem type, dereferenced, give documentation for people). A page in the reader's
language, open to anyone: it names no organization's data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from benefits.api.problems import NO_TOKEN, SERVER_ERROR, SLUGS, TITLES

# What the problem means and what to do, for each status the API answers with.
MEANINGS = {
    400: _(
        "The body isn't a JSON object: a list, a bare string or number, or a number of more "
        "than 4,300 digits. Send a JSON object, with Content-Type: application/json."
    ),
    401: NO_TOKEN,
    403: _(
        "The token lacks the scope this operation needs, or its account no longer has a "
        "benefits role. A team admin can create a token with that scope on the Team page, or "
        "give the role back."
    ),
    404: _(
        "Nothing with this id exists in your organization (errors names the field that holds "
        "it), or no operation has this address. Addresses don't end with a slash."
    ),
    405: _("This address doesn't take this method; the Allow header lists the ones it takes."),
    409: _(
        "The state changed since you last read it: a key already used, a credit full, a "
        "subscription changed since the preview. Read it again, then decide."
    ),
    413: _(
        "The body is larger than any request of this API needs. Send only the fields the "
        "schema lists."
    ),
    422: _(
        "The request can't be done as sent, or a field is missing or invalid: errors names "
        "each field with what to send, and detail says why the request was refused."
    ),
    429: _(
        "More requests a minute than a token may send. Wait the seconds the Retry-After header "
        "gives, then carry on."
    ),
    500: SERVER_ERROR,
    503: _(
        "The portal couldn't check or save the change just now; nothing was changed. Try "
        "again in a moment."
    ),
}
KINDS = frozenset(SLUGS.values())


def problem_type_page(request: HttpRequest, kind: str = "") -> HttpResponse:
    """Every kind of problem (``kind`` empty), or the one named (one of ``KINDS``)."""
    kinds = [
        {"slug": slug, "status": status, "title": TITLES[status], "meaning": MEANINGS[status]}
        for status, slug in sorted(SLUGS.items())
        if not kind or slug == kind
    ]
    return render(request, "api/problem_types.html", {"kinds": kinds, "one": bool(kind)})
