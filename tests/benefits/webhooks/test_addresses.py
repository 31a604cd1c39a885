"""Which addresses a webhook may reach, IPv6 forms that carry an IPv4 address included: each is
judged by the IPv4 address it leads to (no database)."""

from __future__ import annotations

import ipaddress

import pytest

from benefits.webhooks.addresses import address_refused, embedded_ipv4


@pytest.mark.parametrize(
    ("address", "inside"),
    [
        ("64:ff9b::a9fe:a9fe", "169.254.169.254"),  # NAT64 (RFC 6052)
        ("64:ff9b::7f00:1", "127.0.0.1"),
        ("::127.0.0.1", "127.0.0.1"),  # IPv4-compatible (deprecated)
        ("::a00:1", "10.0.0.1"),
        ("::ffff:10.0.0.1", "10.0.0.1"),  # IPv4-mapped
        ("2002:a00:1::", "10.0.0.1"),  # 6to4
        # Teredo: the client's address is stored inverted (here 10.0.0.1).
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "10.0.0.1"),
        ("2001:db8::1", None),
    ],
)
def test_the_ipv4_address_inside_is_found(address, inside):
    found = embedded_ipv4(ipaddress.IPv6Address(address))
    assert found == (ipaddress.IPv4Address(inside) if inside else None)


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::a9fe:a9fe",  # 169.254.169.254: a cloud's metadata service
        "64:ff9b::7f00:1",
        "64:ff9b::c0a8:101",  # 192.168.1.1
        "64:ff9b:1::a00:1",  # a site's own NAT64 (RFC 8215)
        "::127.0.0.1",
        "::a9fe:a9fe",
        "::8.8.8.8",  # IPv4-compatible: deprecated, never public
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
        "2002:a9fe:a9fe::1",
        "2001:0:4136:e378:8000:63bf:f5ff:fffe",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
    ],
)
def test_ipv6_forms_of_private_addresses_are_refused(address):
    assert address_refused(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    ["64:ff9b::808:808", "::ffff:8.8.8.8", "2002:808:808::1", "2606:4700:4700::1111", "8.8.8.8"],
)
def test_public_addresses_and_their_ipv6_forms_are_allowed(address):
    """A NAT64 address of a public one is what an IPv6-only network reaches it by."""
    assert not address_refused(ipaddress.ip_address(address))
