"""The one-click unsubscribe link of every digest (being built)."""

from django.http import Http404, HttpRequest, HttpResponse


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404
