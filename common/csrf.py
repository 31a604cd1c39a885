"""The answer when a form's security check (CSRF) fails: most often a page opened before its
person last signed in or out, whose form carries a token no longer valid. A page of the portal,
in the person's language, that says nothing was changed and what to do; an htmx request reloads
the page it came from, with the same message on it (settings.CSRF_FAILURE_VIEW)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from common.htmx import wants_partial
from common.referer import referring_page

FORM_EXPIRED = _(
    "Nothing was changed: the form was sent from a page opened before you last signed in or "
    "out. Reload the page, then try again. If this keeps happening, allow cookies for this site."
)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if wants_partial(request):
        messages.error(request, FORM_EXPIRED)
        return HttpResponse(status=403, headers={"HX-Refresh": "true"})
    back = referring_page(request)
    return render(request, "403_csrf.html", {"message": FORM_EXPIRED, "back": back}, status=403)
