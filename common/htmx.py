"""One rule for every screen that htmx updates in place: the partial for an htmx request, the
whole page for anything else, including htmx restoring a page from history (the Back button);
and the page an htmx request came from, to lead back to it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails


def wants_partial(request: HttpRequest) -> bool:
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    return bool(htmx and not htmx.history_restore_request)


def htmx_page_path(request: HttpRequest) -> str | None:
    """The path of the portal's page an htmx request came from (its HX-Current-URL header), or
    None: no header, another site's page, or an address no browser sends (``http://[::1``,
    which Python's URL parser refuses with ValueError)."""
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    if not htmx:
        return None
    try:
        return htmx.current_url_abs_path
    except ValueError:
        return None


def render_page_or_partial(
    request: HttpRequest, template: str, partial: str, context: dict, **kwargs
) -> HttpResponse:
    name = f"{template}#{partial}" if wants_partial(request) else template
    response = render(request, name, context, **kwargs)
    # The same address answers with a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response
