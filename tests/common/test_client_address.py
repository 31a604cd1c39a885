"""The client's address behind 0, 1 or 2 trusted proxies: the N-th entry from the right of
X-Forwarded-For, never anything a client wrote further left, and never an error."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from common.client_address import client_address

PROXY = "10.0.0.2"  # the proxy next to gunicorn: REMOTE_ADDR behind a proxy


def address(proxies: int, forwarded: str | None, settings, remote: str = PROXY) -> str:
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(request)


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(settings):
    assert address(0, "198.51.100.7", settings, remote="203.0.113.9") == "203.0.113.9"


def test_without_a_setting_no_proxy_is_trusted(settings):
    del settings.TRUSTED_PROXY_COUNT
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "203.0.113.9"


def test_behind_one_proxy_the_client_is_the_address_it_appended(settings):
    assert address(1, "203.0.113.9", settings) == "203.0.113.9"


def test_behind_two_proxies_the_client_is_the_second_from_the_right(settings):
    # The outer proxy appended the client, the inner one the outer proxy.
    assert address(2, "203.0.113.9, 10.0.0.1", settings) == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded"),
    [
        (1, "198.51.100.7, 203.0.113.9"),
        (1, "198.51.100.7,203.0.113.9"),
        (1, "1.1.1.1, 2.2.2.2, 198.51.100.7, 203.0.113.9"),
        (2, "198.51.100.7, 203.0.113.9, 10.0.0.1"),
        # What a client writes can't hide what the proxy appended after it.
        (1, '", 203.0.113.9'),
        (1, 'for="198.51.100.7, 203.0.113.9'),
        (1, "garbage, , 203.0.113.9"),
        (1, "x" * 10_000 + ", 203.0.113.9"),
        (1, "198.51.100.7\x00, 203.0.113.9"),
    ],
)
def test_hops_a_client_prepends_do_not_change_its_address(settings, proxies, forwarded):
    assert address(proxies, forwarded, settings) == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded"),
    [
        (1, None),  # straight to gunicorn: a health probe
        (1, ""),
        (1, "   "),
        (1, "not-an-address"),
        (1, "203.0.113.999"),
        (1, "203.0.113.9:99999"),
        (2, "203.0.113.9"),  # fewer hops than trusted proxies
        (3, "203.0.113.9, 10.0.0.1"),
    ],
)
def test_a_malformed_or_short_header_falls_back_to_the_connecting_address(
    settings, proxies, forwarded
):
    assert address(proxies, forwarded, settings) == PROXY


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("2001:db8::7", "2001:db8::7"),
        ("198.51.100.7, 2001:DB8:0:0::7", "2001:db8::7"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("203.0.113.9:51234", "203.0.113.9"),
        ("fe80::1%eth0", "fe80::1"),
    ],
)
def test_addresses_come_back_in_one_spelling(settings, forwarded, expected):
    assert address(1, forwarded, settings) == expected


def test_an_ipv6_connection_without_a_proxy_is_its_own_address(settings):
    assert address(0, None, settings, remote="2001:db8::7") == "2001:db8::7"


@pytest.mark.parametrize("remote", ["", "unix:/run/gunicorn.sock", None])
def test_a_connection_without_an_address_gives_an_empty_one(settings, remote):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/")
    if remote is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote
    assert client_address(request) == ""
