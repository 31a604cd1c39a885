"""The page a request was sent from, read from its Referer header: only this site's pages
(the header is the browser's, ``SECURE_REFERRER_POLICY = "same-origin"`` sends it for them)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def referring_page(request: HttpRequest) -> str:
    """The path and query of this site's page that sent ``request``, or "" (none, or another
    site's)."""
    referer = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    page = urlsplit(referer)
    if page.path.startswith(("//", "/\\")):  # a browser reads these as another site's address
        return ""
    return f"{page.path}?{page.query}" if page.query else page.path
