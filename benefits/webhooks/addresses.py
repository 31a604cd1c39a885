"""Which addresses a webhook may reach: only public ones, unless WEBHOOKS_ALLOW_PRIVATE_ADDRESSES.

An endpoint's URL is typed by a partner, and the portal's workers sit inside its own network:
without this rule a URL could make them POST to the database, the cache, a cloud provider's
metadata service (169.254.169.254) or anything else only the portal can reach. The host is
resolved and every address it resolves to is checked; the delivery then connects to one of the
checked addresses itself (transport.py), so a second lookup can't answer differently (DNS
rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence

from django.conf import settings
from django.utils.translation import gettext_lazy as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

REFUSED_ADDRESS_MESSAGE = _(
    "%(host)s is a private, loopback, link-local, multicast or reserved address; webhooks go "
    "only to public addresses."
)
UNRESOLVED_MESSAGE = _(
    "%(host)s could not be resolved to an address. Check the host name's spelling, and that it "
    "is published in public DNS."
)


class AddressRefused(Exception):
    """The host can't be reached by a webhook; the message says why (no secret in it)."""


class HostNotFound(AddressRefused):
    """The host resolves to no address."""


# IPv6 addresses that reach the IPv4 address in their last 32 bits: IPv4-mapped, NAT64's
# well-known prefix (RFC 6052: an IPv6-only network's DNS64 hands these out for IPv4-only hosts)
# and the deprecated IPv4-compatible form. Python 3.11's is_global says True for the last two
# whatever they carry (64:ff9b::a9fe:a9fe is 169.254.169.254, ::127.0.0.1 loopback): only
# is_reserved (all of ::/8) refused them, so the IPv4 address inside is checked in its own right.
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# NAT64 for a site's own translator (RFC 8215): the IPv4 address may sit anywhere in it, and
# whatever it reaches is the site's own network.
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address ``address`` leads to, if it carries one: IPv4-mapped, NAT64 and
    IPv4-compatible in its last 32 bits, 6to4 (2002::/16) and Teredo (2001::/32, its client)."""
    if address in _MAPPED or address in _NAT64 or address in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def address_refused(address: IPAddress) -> bool:
    """True for every address a webhook must not reach (anything not globally routable, or an
    IPv6 address that leads to such an IPv4 address)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _LOCAL_NAT64:
            return True
        inside = embedded_ipv4(address)
        if inside is not None and address_refused(inside):
            return True
        # IPv4-mapped and NAT64 addresses reach nothing but the IPv4 address inside: a public one
        # is allowed (an IPv6-only network reaching an IPv4-only receiver). The others must be
        # public as IPv6 addresses too (the IPv4-compatible form, deprecated, never is).
        if address in _MAPPED or address in _NAT64:
            return False
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def host_is_loopback(host: str) -> bool:
    """``host`` names this machine: "localhost", 127.0.0.0/8 or ::1."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_addresses(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (itself if it is one). Raises ``AddressRefused`` when
    it doesn't resolve (``HostNotFound``)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise HostNotFound(UNRESOLVED_MESSAGE % {"host": host}) from error
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise HostNotFound(UNRESOLVED_MESSAGE % {"host": host})
    return addresses


def addresses_checked(
    host: str, port: int, *, allow_private: bool | None = None
) -> Sequence[IPAddress]:
    """The addresses of ``host`` a webhook may connect to: all of them, or ``AddressRefused``
    if even one is refused (a host with one private address among public ones is refused, since
    which one a client picks is not ours to decide)."""
    if allow_private is None:
        allow_private = settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES
    addresses = host_addresses(host, port)
    if not allow_private and any(address_refused(address) for address in addresses):
        raise AddressRefused(REFUSED_ADDRESS_MESSAGE % {"host": host})
    return addresses
