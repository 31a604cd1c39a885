"""One rule for every screen that htmx updates in place: the partial for an htmx request, the
whole page for anything else, including htmx restoring a page from history (the Back button)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails


def wants_partial(request: HttpRequest) -> bool:
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    return bool(htmx and not htmx.history_restore_request)


def render_page_or_partial(
    request: HttpRequest, template: str, partial: str, context: dict, **kwargs
) -> HttpResponse:
    name = f"{template}#{partial}" if wants_partial(request) else template
    response = render(request, name, context, **kwargs)
    # The same address answers with a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response
