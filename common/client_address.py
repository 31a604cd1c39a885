"""The address of the person behind a request, for the sign-in lockout, rate limits and logs.

Each proxy in front of the portal appends to ``X-Forwarded-For`` the address it received the
request from, and the last one connects to gunicorn (``REMOTE_ADDR``). With N trusted proxies
the client is therefore the N-th entry from the right of ``X-Forwarded-For``; anything further
left was sent by the client and may be forged, so it is never looked at. With no trusted proxy
(``settings.TRUSTED_PROXY_COUNT == 0``, the default) the header is ignored altogether: anyone
could send one.

django-ipware's ``get_client_ip`` with a proxy count picks the same position, but it splits the
header as an RFC 7239 list where a double quote opens a quoted string: a client that sends
``X-Forwarded-For: "`` makes it swallow the address the proxy appended, and the request falls
back to the proxy's own address — a way out of one's own lockout. So the header is split on
plain commas here, from the right, and only each entry is parsed with python-ipware's parser
(ports, brackets, IPv4-mapped IPv6).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from python_ipware.modern.parsers import parse_ip


def trusted_proxy_count() -> int:
    return int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))


def client_address(request: HttpRequest) -> str:
    """The client's address as text (``"203.0.113.9"``, ``"2001:db8::1"``), or ``""`` when the
    connection has none that parses. Never raises on what a client sends."""
    peer = _normalized(request.META.get("REMOTE_ADDR"))
    proxies = trusted_proxy_count()
    if proxies <= 0:
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not isinstance(forwarded, str):
        # Straight to gunicorn, past the proxy (a health probe): the peer is the client.
        return peer
    # At most `proxies` splits from the right: the client-supplied part stays in one piece,
    # however long.
    hops = forwarded.rsplit(",", proxies)
    if len(hops) < proxies:
        # Fewer hops than trusted proxies: the request did not come through all of them, so no
        # entry can be trusted; the address that connected can.
        return peer
    return _normalized(hops[-proxies]) or peer


def _normalized(value: object) -> str:
    if not isinstance(value, str):
        return ""
    address = parse_ip(value)
    if address is None:
        return ""
    # A zone ("fe80::1%eth0") names an interface of the machine that wrote it, and PostgreSQL's
    # inet columns (the lockout's records) refuse it.
    return str(address).partition("%")[0]
